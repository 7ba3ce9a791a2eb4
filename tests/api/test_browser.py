"""The chat page in real headless Chromium (Debian's), against a real uvicorn server.

Screenshots go to test-output/screenshots/ (gitignored), desktop and a 390 px phone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from reportqa.paths import ROOT
from tests.api.conftest import EN_QUESTION, ZH_QUESTION, running, settings

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser, pytest.mark.model,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"{CHROMIUM} is missing: `apt-get install chromium` (make browser)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page plus what it did that a test must see: dialogs, script errors."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int], **context: Any) -> None:
        self.context = browser.new_context(viewport=viewport, **context)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(base + "/")
        self.page.wait_for_selector(".status.ok")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)  # e.g. an alert() an injection got to run
        dialog.dismiss()

    def ask(self, question: str) -> Any:
        """Type and press Enter; the finished answer's list item."""
        n = self.page.locator(".msg.bot").count()
        self.page.fill("#question", question)
        self.page.press("#question", "Enter")
        return self.answer(n)

    def answer(self, n: int) -> Any:
        item = self.page.locator(".msg.bot").nth(n)
        item.and_(self.page.locator(":not(.pending)")).wait_for()
        return item

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desktop(browser: Any, live_server: str) -> Iterator[Page]:
    p = Page(browser, live_server, DESKTOP)
    yield p
    p.close()


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Page]:
    p = Page(browser, live_server, PHONE, is_mobile=True, has_touch=True)
    yield p
    p.close()


def api_answer(base: str, question: str) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/ask", json={"question": question}, timeout=30)
    r.raise_for_status()
    return r.json()


def check_panel(page: Any, answer: dict[str, Any], index: int) -> None:
    """The open passage panel highlights exactly the quote and the figures of citation `index`."""
    c = answer["citations"][index]
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    assert panel.locator(".passage").text_content() == c["text"]
    quote = c["text"][c["quote_start"]:c["quote_end"]]
    assert panel.locator("mark.quote-mark").text_content() == quote
    figures = [f["text"] for f in answer["figures"] if f["citation"] == index]
    assert panel.locator(".passage mark.figure-mark").all_text_contents() == figures
    for part in c["section"].split(" / "):
        assert part in panel.locator(".section-path").text_content()


def test_chinese_question_on_desktop(desktop: Page, live_server: str) -> None:
    expected = api_answer(live_server, ZH_QUESTION)
    item = desktop.ask(ZH_QUESTION)
    assert item.locator(".answer").text_content() == expected["answer"]
    figure = item.locator(".figure").first
    assert figure.locator(".value").text_content() == "47.6万吨"
    assert "2022年完成" in figure.text_content() and "吨" in figure.text_content()
    assert item.locator(".citation").count() == len(expected["citations"])
    desktop.shot("desktop-zh-answer")
    item.locator(".citation").first.click()
    check_panel(desktop.page, expected, 0)
    desktop.shot("desktop-zh-citation")
    desktop.page.keyboard.press("Escape")
    assert desktop.page.locator("#panel").is_hidden()
    assert desktop.errors == [] and desktop.dialogs == []


def test_english_example_on_a_phone(phone: Page, live_server: str) -> None:
    expected = api_answer(live_server, EN_QUESTION)
    item = phone.ask(EN_QUESTION)
    assert "1,196" in item.locator(".answer").text_content()
    assert item.locator(".figure .value").first.text_content() == "1196个"
    assert "2022 result" in item.locator(".figure").first.text_content()
    # Nothing wider than the phone: no horizontal scrolling.
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.shot("phone-en-answer")
    item.locator(".figure .ref").first.click()  # the figure's [1] opens its citation
    check_panel(phone.page, expected, expected["figures"][0]["citation"])
    phone.shot("phone-en-citation")
    assert phone.errors == [] and phone.dialogs == []


def test_title_and_examples_come_from_the_library(desktop: Page, live_server: str) -> None:
    docs = httpx.get(f"{live_server}/api/documents", timeout=30).json()["documents"]
    places = {d["place"] for d in docs if d["place"]}
    desktop.page.locator("#examples .example").first.wait_for()
    examples = desktop.page.locator("#examples .example").all_text_contents()
    assert examples and all(any(p in q or d["place_en"] in q for p in places for d in docs)
                            for q in examples)
    assert "永川区" not in desktop.page.title()  # the page is the library's, not one report's
    assert f"{len(docs)} 份报告" in desktop.page.locator("#library").text_content()
    desktop.page.locator("#examples .example").first.click()
    assert desktop.answer(0).locator(".answer").text_content()


def test_abstention_looks_different(desktop: Page) -> None:
    answered = desktop.ask("What GDP growth target had Yongchuan set for 2022?")
    refused = desktop.ask("What was Yongchuan's GDP in 2019?")
    assert "abstained" not in (answered.get_attribute("class") or "")
    assert "abstained" in (refused.get_attribute("class") or "")
    assert refused.locator(".badge").text_content().strip() == "∅ Not stated in the report"
    assert refused.locator(".figure").count() == 0
    desktop.shot("desktop-abstention")


XSS = ["<script>alert('xss-script')</script>",
       "<img src=x onerror=alert('xss-img')> GDP 2022?",
       '"><svg onload=alert(1)> 粮食产量是多少？']


def test_markup_in_questions_stays_inert(browser: Any, live_server: str) -> None:
    # With the page's CSP bypassed: the page itself must insert text as text.
    p = Page(browser, live_server, DESKTOP, bypass_csp=True)
    try:
        for q in XSS:
            p.ask(q)
        log = p.page.locator("#log")
        assert p.page.locator(".msg.user .bubble").all_text_contents() == XSS
        assert log.locator("script, img, svg, iframe").count() == 0
        p.shot("desktop-xss-inert")
        assert p.dialogs == [] and p.errors == []
    finally:
        p.close()


def test_shift_enter_is_a_new_line_and_enter_sends(desktop: Page) -> None:
    box = desktop.page.locator("#question")
    box.type("粮食产量")
    box.press("Shift+Enter")
    box.type("2022年是多少？")
    assert box.input_value() == "粮食产量\n2022年是多少？"
    assert desktop.page.locator(".msg").count() == 0  # nothing sent yet
    box.press("Enter")
    desktop.answer(0)
    assert desktop.page.locator(".msg.user .bubble").text_content() == "粮食产量\n2022年是多少？"
    assert box.input_value() == ""


def test_an_invalid_question_shows_the_servers_message(desktop: Page) -> None:
    item = desktop.ask("？？？ 123")
    assert "error" in (item.get_attribute("class") or "")
    text = item.locator(".error-text").text_content()
    # The server's sentence, without the validator's words ("question: Value error, …").
    assert text.startswith("Invalid question: question has no words, only numbers or punctuation")


def test_api_key_from_the_url_is_sent(browser: Any, assistant: Any) -> None:
    """?key=… is kept in sessionStorage, removed from the address bar, and sent."""
    app = create_app(settings(api_key="k3y"), loader=lambda: assistant)
    with running(app) as base:
        page = browser.new_page(viewport=DESKTOP)
        page.goto(f"{base}/?key=k3y")
        page.wait_for_selector(".status.ok")
        assert "key=" not in page.url
        page.fill("#question", ZH_QUESTION)
        page.press("#question", "Enter")
        page.locator(".msg.bot:not(.pending) .answer").wait_for()
        page.close()
        page = browser.new_page(viewport=DESKTOP)  # a new tab: no key
        page.goto(f"{base}/")
        page.locator("#status", has_text="API key needed").wait_for()
        page.close()


def test_a_follow_up_is_read_against_the_conversation_and_new_starts_over(
        desktop: Page) -> None:
    desktop.ask("中江县2023年粮食产量是多少？")
    item = desktop.ask("稻谷呢？")
    assert "稻谷" in item.locator(".understood").text_content()
    assert "22.5万吨" in item.locator(".figures").text_content()
    # "New conversation", keyboard only: the follow-up is then a question of its own.
    desktop.page.focus("#restart")
    desktop.page.keyboard.press("Enter")
    assert desktop.page.locator(".msg").count() == 0
    assert desktop.page.evaluate("document.activeElement.id") == "question"
    item = desktop.ask("稻谷呢？")
    assert item.locator(".understood").count() == 0
    assert desktop.errors == [] and desktop.dialogs == []


def test_sources_that_support_the_answer_first_the_rest_behind_more(desktop: Page,
                                                                    live_server: str) -> None:
    question = "2022年永川区地区生产总值是多少？"
    expected = api_answer(live_server, question)
    item = desktop.ask(question)
    supporting = [c for c in expected["citations"] if c["supports"]]
    shown = item.locator(".citations").first.locator(".citation")
    assert shown.count() == len(supporting) >= 1
    more = item.locator("details.more-sources")
    assert more.locator(".citation").count() == len(expected["citations"]) - len(supporting)
    assert not more.evaluate("d => d.open")  # closed until asked for
    desktop.shot("desktop-sources")
    # A table row shows its cells under their column headers, not bare numbers.
    table = shown.first.locator("table.cells")
    assert "主要指标" in table.locator("th").all_text_contents()
    assert "地区生产总值（亿元）" in table.locator("td").all_text_contents()
    # Copy a citation: the quote with its report and section.
    item.locator(".copy").first.click()
    item.locator(".copy[data-copied]").first.wait_for(state="attached")
    copied = item.locator(".copy").first.get_attribute("data-copied") or ""
    assert "1202.8" in copied and "表1" in copied
    # The cited passage in its document, keyboard only.
    shown.first.focus()
    desktop.page.keyboard.press("Enter")
    desktop.page.locator("#panel-open").focus()
    desktop.page.keyboard.press("Enter")
    mark = desktop.page.locator("#cited-here")
    mark.wait_for()
    c = supporting[0]
    assert mark.text_content() == c["text"]
    whole = desktop.page.locator("#panel-text").text_content()
    assert whole.index(c["text"]) == c["start"]
    desktop.shot("desktop-in-document")
    assert desktop.errors == [] and desktop.dialogs == []


def test_the_report_picker_limits_the_library(desktop: Page) -> None:
    desktop.page.locator("#report option[value='wuhu-2022-bulletin']").wait_for(state="attached")
    desktop.page.select_option("#report", "wuhu-2022-bulletin")
    item = desktop.ask("生产总值是多少？")
    assert "4502.13" in item.locator(".figures").text_content()
    assert "芜湖" in item.locator(".answer").text_content()
    desktop.page.select_option("#report", "")
    assert desktop.errors == []


@pytest.mark.parametrize(("status", "detail", "lang", "starts"), [
    # The service words a Chinese question's errors in Chinese; the page keeps them.
    (422, "问题有 600 个字，超过了 500 个字的上限", "zh", "无法读取这个问题：问题有 600 个字"),
    # A message it has no Chinese for: the page's own Chinese line, no English internals.
    (503, "the model and index are still loading; try again in a few seconds", "zh", "服务尚未就绪"),
    (422, "question is 600 characters; the limit is 500", "en", "Invalid question: question is 600"),
])
def test_an_error_reads_in_the_language_asked(desktop: Page, status: int, detail: str,
                                              lang: str, starts: str) -> None:
    text = desktop.page.evaluate(
        """([status, detail, lang]) => errorMessage(
             new Response(JSON.stringify({detail}), {status}), lang)""", [status, detail, lang])
    assert text.startswith(starts) and "Value error" not in text
    assert lang == "en" or "loading" not in text


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_nothing_of_an_answer_is_hidden_behind_the_input_bar(screen: str, request: Any) -> None:
    page = request.getfixturevalue(screen)
    for q in ("2022年永川区地区生产总值是多少？", "How much grain did Yongchuan produce in 2022?"):
        item = page.ask(q)
    page.page.wait_for_timeout(700)  # the page's own smooth scroll settles
    box = item.bounding_box()
    bar = page.page.locator("#ask").bounding_box()
    assert box is not None and bar is not None
    assert box["y"] + box["height"] <= bar["y"] + 1, (box, bar)
