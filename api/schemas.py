"""Request and response models of the HTTP API: the answer JSON, described fully.

Requests are strict: unknown fields, a number where a string belongs or
`"5"`/`2.5`/`true` for `top_k` are 422s, with pydantic's message saying which
field was wrong. Responses mirror `reportqa.types.Answer.to_dict()` field by
field, so the OpenAPI document at /docs is the contract other apps read.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qa.query import MAX_QUESTION_CHARS, MAX_TOP_K, validate_question
from qa.conversation import MAX_HISTORY

TopK = Annotated[int, Field(strict=True, ge=1, le=MAX_TOP_K,
                            description="how many citations (passages) to return, 1-50")]

EXAMPLES_ZH = "2022年粮食产量是多少？"
EXAMPLES_EN = "How many 5G base stations were added in 2022?"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------- requests

class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(strict=True, description="an earlier question, as asked")
    understood: str | None = Field(default=None, strict=True,
                                   description="that question as its answer understood it")


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": EXAMPLES_ZH},
                                        {"question": EXAMPLES_EN, "top_k": 3}]},
    )

    question: str = Field(
        strict=True,
        description="the question, in Chinese or English",
        # Documented for clients and fuzzers; enforced (on the stripped text) below.
        json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS},
    )
    top_k: TopK = 5
    id: str | None = Field(default=None, strict=True, max_length=200,
                           description="echoed back in the answer, to match answers to questions")
    docs: list[str] | None = Field(default=None, max_length=1000,
                                   description="answer only from these documents (ids, see "
                                               "GET /api/documents); default: the whole library")
    history: list[str | HistoryTurn] | None = Field(
        default=None, max_length=MAX_HISTORY,
        description="the conversation's earlier questions, oldest first: strings, or "
                    "{question, understood} as earlier answers gave them back. A follow-up "
                    "(\"那2023年呢？\", \"What about Wuhu?\") is answered as the whole "
                    "question it stands for, which the answer shows in `understood`.")

    def history_turns(self) -> list[str | dict[str, str | None]] | None:
        if self.history is None:
            return None
        return [t if isinstance(t, str) else t.model_dump() for t in self.history]

    @field_validator("question")
    @classmethod
    def _valid_question(cls, value: str) -> str:
        validate_question(value)  # the assistant's own rules and messages
        return value


# --------------------------------------------------------------------- responses

Period = Annotated[str, Field(pattern=r"^(?:\d{4}(?:-\d{4})?-(?:actual|target|estimate))?$",
                               description='a period label: "2022-actual", "2024-target", '
                                           '"2023-estimate", "2016-2020-actual", or ""')]


class PeriodInfo(_Out):
    """A period as data: a year (or span) and a kind."""

    label: str
    start: int = Field(description="first year")
    end: int = Field(description="last year (= start for one year)")
    kind: Literal["result", "target", "estimate"]


class ReportRef(_Out):
    """The report an answer comes from."""

    doc_id: str
    title: str = ""
    place: str = Field(default="", description="the report's place, in Chinese (遂宁市)")
    place_en: str = Field(default="", description="the place in English (Suining City)")
    year: int | None = Field(default=None, description="the year whose results it gives")
    target_year: int | None = Field(default=None, description="the year it plans for")
    kind: str = Field(default="", description="plan | gwr | bulletin | budget | other")


class FigureOut(_Out):
    """A number as the report states it; ``document.text[start:end] == text``."""

    text: str = Field(description="verbatim from the report, e.g. 47.6万吨")
    value: float = Field(description="the number in base units, e.g. 476000")
    unit: str = Field(description="base unit, e.g. 吨, 元, %, 个")
    label: str = Field(description="what it measures, in Chinese (e.g. 粮食产量)")
    label_en: str = Field(description="what it measures, in English (e.g. grain output)")
    period: Period = Field(description="the period the figure speaks of")
    period_info: PeriodInfo | None = Field(default=None, description="`period` as data")
    kind: str = Field(description="total | growth | target | count | share | ratio | rank | other")
    start: int = Field(description="offset of the figure in the document text")
    end: int = Field(description="end offset (exclusive) in the document text")
    citation: int = Field(description="index into `citations` of the passage holding it")
    qualifier: str = Field(description="以上 / 左右 / 余 / 超 / 突破 / 近 … or empty")
    text_en: str = Field(description="the figure rendered for English readers")


class TableCellOut(_Out):
    header: str = Field(description="the column header the cell sits under")
    text: str
    start: int
    end: int


class CitationOut(_Out):
    """A supporting passage: ``document.text[start:end] == text``."""

    doc_id: str = Field(description="the document, see GET /api/documents/{id}")
    section: str = Field(description="section path, e.g. 一、… / （二）…")
    text: str = Field(description="the passage, verbatim")
    start: int = Field(description="offset of the passage in the document text")
    end: int = Field(description="end offset (exclusive) in the document text")
    quote_start: int = Field(description="start of the supporting sentence, inside `text`")
    quote_end: int = Field(description="end of the supporting sentence, inside `text`")
    score: float = Field(description="retrieval score (hybrid BM25 + dense)")
    passage_id: str = Field(description="stable passage id")
    period: Period = Field(description="the period the passage speaks of")
    period_info: PeriodInfo | None = Field(default=None, description="`period` as data")
    doc_title: str = Field(default="", description="the document's title")
    supports: bool = Field(default=True, description="the answer rests on it (its sentence "
                           "quoted, a figure in it); false: another passage on the topic")
    cells: list[TableCellOut] = Field(default_factory=list, description="a table row's cells "
                                      "under their column headers (offsets in the document)")
    table: str = Field(default="", description="a table row's table title")


class Timing(_Out):
    total: float = Field(description="milliseconds for the whole answer")
    embed: float
    retrieve: float
    answer: float


class _AnswerHead(_Out):
    id: str | None = Field(default=None, description="the request's id, when it gave one")
    question: str
    lang: Literal["zh", "en"] = Field(description="the language of the question and answer")
    answer: str = Field(description="the answer in the question's language")
    abstained: bool = Field(description="true when the report does not state the answer")
    timing_ms: Timing
    reports: list[ReportRef] = Field(default_factory=list,
                                     description="the report(s) the answer comes from")
    assumed: str = Field(default="", description="what the assistant assumed to answer")
    understood: str = Field(default="", description="the question as it was read (simplified "
                            "characters, markup taken off; a follow-up with `history`: the "
                            "whole question it stands for); equals `question` when unchanged")


class AnswerOut(_AnswerHead):
    """The answer JSON (`Answer.to_dict()`)."""

    figures: list[FigureOut]
    citations: list[CitationOut]


class AnswerEvent(_AnswerHead):
    """`event: answer` of the stream: the answer without its figures and citations."""

    citations: int = Field(description="how many `citation` events follow")
    figures: int = Field(description="how many `figure` events follow the citations")


class QuestionEvent(_Out):
    """`event: question` of the stream, sent before the answer is looked for."""

    question: str = Field(description="the question as asked")
    understood: str = Field(description="the question as read: a follow-up with `history` "
                                        "as the whole question it stands for")


class CitationEvent(_Out):
    index: int = Field(description="the citation's number (0-based); figures point at it")
    citation: CitationOut


class FigureEvent(_Out):
    index: int
    figure: FigureOut


class DoneEvent(_Out):
    citations: int = Field(description="citation events sent")
    figures: int = Field(description="figure events sent")


class ErrorOut(_Out):
    detail: str = Field(description="what went wrong, in words")


class ValidationItem(BaseModel):
    model_config = ConfigDict(extra="allow")  # FastAPI adds input, ctx

    loc: list[str | int] = Field(description="where: body, query, and the field")
    msg: str
    type: str


class UnprocessableOut(_Out):
    """A request that parsed but cannot be answered as asked: the fields' problems
    (a list, as FastAPI writes them) or, for a question the assistant cannot read
    ("question has no words…"), one sentence."""

    detail: str | list[ValidationItem] = Field(description="what is wrong, in words")


class SearchHitOut(_Out):
    rank: int = Field(description="1 for the best passage")
    score: float
    passage_id: str
    doc_id: str
    section: str
    period: Period
    kind: str = Field(description="paragraph | table_row | list_item | heading")
    start: int = Field(description="offset of the passage in the document text")
    end: int
    text: str


class SearchOut(_Out):
    query: str
    top_k: int
    hits: list[SearchHitOut]


class DocumentSummary(_Out):
    id: str
    title: str
    chars: int = Field(description="length of the text in characters (offsets index it)")
    place: str = Field(default="", description="the report's place, derived from it (遂宁市)")
    place_en: str = Field(default="", description="the place in English (Suining City)")
    kind: str = Field(default="", description="plan | gwr | bulletin | budget | other")
    year: int | None = Field(default=None, description="the year whose results it gives")
    target_year: int | None = Field(default=None, description="the year it plans for")


class DocumentList(_Out):
    documents: list[DocumentSummary]


class DocumentOut(_Out):
    id: str
    title: str
    text: str = Field(description="the full text; citation and figure offsets index it")
    profile: dict[str, Any] | None = Field(
        default=None, description="what was read from the report at index time: place, kind, "
                                  "years, periods, and where each was read (`reportqa info`)")


class LibraryChange(_Out):
    kind: Literal["add", "delete"]
    id: str


class LibraryStatus(_Out):
    state: Literal["idle", "building", "failed"] = Field(
        description="idle: the served index has every accepted change; building: a new index "
                    "is being built (questions are answered from the old one); failed: the "
                    "last build failed (see last.error) and the old index still serves")
    queued: list[LibraryChange] = Field(description="accepted changes waiting for a build")
    building: list[LibraryChange] = Field(description="changes the running build applies")
    documents: int = Field(description="documents of the index being served")
    last: dict[str, Any] | None = Field(default=None, description="the last build: ok, finished "
                                        "(epoch seconds), seconds, documents, applied or error")


class LibraryAccepted(_Out):
    id: str = Field(description="the document's id (from its file name)")
    title: str = ""
    profile: dict[str, Any] | None = None
    status: LibraryStatus


class HealthOut(_Out):
    status: Literal["ok"] = "ok"
    version: str


class ReadyOut(_Out):
    ready: bool
    detail: str = ""
    model: str | None = None
    passages: int | None = None
    documents: int | None = None
    load_seconds: float | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "API key missing or wrong (when one is configured)"},
    413: {"model": ErrorOut, "description": "request body over the size limit"},
    422: {"model": UnprocessableOut, "description": "a field or the question cannot be read"},
    503: {"model": ErrorOut, "description": "the model and index are still loading"},
}
