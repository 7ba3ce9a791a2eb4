"""A tiny hand-made corpus, gold set and answer set for scoring the scorer.

Five questions, three of them answerable:

    id  lang kind          evidence rank   answer            abstained
    z1  zh   figure        1               right (spacing)   no
    e1  en   figure        2               right (figure)    no
    z2  zh   target        not returned    wrong             no
    z3  zh   unanswerable  -               -                 yes
    e2  en   unanswerable  -               -                 no

Latency, from `FakeAssistant`'s own clock: 10, 20, 30, 40, 50 ms in that order.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from reportqa.types import Answer, Citation, Figure

DOC_ID = "yc-2022"
DOC = (
    "一、2022年工作回顾\n"
    "全年地区生产总值达到1202.8亿元，增长3.5%。\n"
    "粮食产量达到47.6万吨。\n"
    "新增5G基站1196个。\n"
    "二、2023年目标\n"
    "地区生产总值增长7%以上。\n"
)
SENT_GDP = "全年地区生产总值达到1202.8亿元，增长3.5%。"
SENT_GRAIN = "粮食产量达到47.6万吨。"
SENT_5G = "新增5G基站1196个。"

GOLD: list[dict] = [
    {
        "id": "z1",
        "lang": "zh",
        "kind": "figure",
        "question": "2022年地区生产总值是多少？",
        "evidence": ["1202.8亿元"],
        "answer": ["1202.8亿元"],
    },
    {
        "id": "e1",
        "lang": "en",
        "kind": "figure",
        "question": "How many 5G base stations were added in 2022?",
        "evidence": ["新增5G基站1196个"],
        "answer": ["1196个"],
    },
    {
        "id": "z2",
        "lang": "zh",
        "kind": "target",
        "question": "2023年地区生产总值增长目标是多少？",
        "evidence": ["增长7%以上"],
        "answer": ["7%以上"],
    },
    {
        "id": "z3",
        "lang": "zh",
        "kind": "unanswerable",
        "question": "永川区的房价是多少？",
        "evidence": [],
        "answer": [],
    },
    {
        "id": "e2",
        "lang": "en",
        "kind": "unanswerable",
        "question": "What is the mayor's name?",
        "evidence": [],
        "answer": [],
    },
]


def span(snippet: str) -> tuple[int, int]:
    start = DOC.index(snippet)
    return start, start + len(snippet)


def cite(sentence: str, score: float = 1.0) -> Citation:
    start, end = span(sentence)
    return Citation(
        doc_id=DOC_ID,
        section="一、2022年工作回顾",
        text=sentence,
        start=start,
        end=end,
        quote_start=0,
        quote_end=len(sentence),
        score=score,
    )


def figure(text: str, shift: int = 0, citation: int = 0) -> Figure:
    """A figure at its place in DOC; `shift` moves the offsets off it (unfaithful)."""
    start, end = span(text)
    return Figure(
        text=text,
        value=0.0,
        unit="",
        label="",
        label_en="",
        period="2022-actual",
        kind="total",
        start=start + shift,
        end=end + shift,
        citation=citation,
    )


def _answer(question: str, lang: str, text: str, **kw: object) -> Answer:
    return Answer(question=question, lang=lang, answer=text, **kw)  # type: ignore[arg-type]


ANSWERS: dict[str, Answer] = {
    # Right, but only once whitespace is ignored ("1202.8 亿元" vs "1202.8亿元").
    "z1": _answer(
        GOLD[0]["question"],
        "zh",
        "2022年地区生产总值为 1202.8 亿元。",
        abstained=False,
        citations=[cite(SENT_GDP), cite(SENT_GRAIN)],
    ),
    # Right through its (faithful) figure; the evidence is in the 2nd citation.
    "e1": _answer(
        GOLD[1]["question"],
        "en",
        "1,196 5G base stations were added.",
        abstained=False,
        figures=[figure("1196个", citation=1)],
        citations=[cite(SENT_GRAIN), cite(SENT_5G)],
    ),
    # Wrong: last year's growth; its figure's offsets are one character off.
    "z2": _answer(
        GOLD[2]["question"],
        "zh",
        "地区生产总值增长3.5%。",
        abstained=False,
        figures=[figure("3.5%", shift=1)],
        citations=[cite(SENT_GDP)],
    ),
    "z3": _answer(GOLD[3]["question"], "zh", "报告中没有相关信息。", abstained=True),
    # Should have abstained.
    "e2": _answer(
        GOLD[4]["question"],
        "en",
        "The report says 1202.8.",
        abstained=False,
        citations=[cite(SENT_GDP)],
    ),
}
LATENCY_MS = {"z1": 10.0, "e1": 20.0, "z2": 30.0, "z3": 40.0, "e2": 50.0}


class FakeAssistant:
    """Stands in for qa.Assistant: canned answers, and a clock it advances."""

    def __init__(self, answers: dict[str, Answer] | None = None) -> None:
        answers = ANSWERS if answers is None else answers
        ids = {g["question"]: g["id"] for g in GOLD}
        self.by_question = {a.question: (ids.get(a.question, ""), a) for a in answers.values()}
        self.now = 0.0  # seconds
        self.asked: list[tuple[str, int]] = []

    @classmethod
    def load(cls, index_dir: object = None) -> FakeAssistant:
        return cls()

    def clock(self) -> float:
        return self.now

    def ask(self, question: str, top_k: int = 5) -> Answer:
        self.asked.append((question, top_k))
        item_id, answer = self.by_question[question]
        self.now += LATENCY_MS.get(item_id, 0.0) / 1000.0
        answer = copy.deepcopy(answer)
        return replace(answer, citations=answer.citations[:top_k])

    def document_text(self, doc_id: str) -> str:
        if doc_id != DOC_ID:
            raise KeyError(doc_id)
        return DOC
