"""Real browsers, simulated: people logged in over HTTP to the live test server, the forms
they opened, and races of their submissions started together on a barrier.

The outcome of a submission is read as a user would read it: a redirect to the project page
means the write was saved and acknowledged; the form coming back (200) means it was refused
(for example a detected conflict), which is allowed; a 5xx is always a failure.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.test import Client
from requests.cookies import RequestsCookieJar

# Generous, because a request stuck behind a lock is an outcome to report, not to cut short;
# PostgreSQL answers a deadlock within a second.
REQUEST_TIMEOUT = 30

SAVED, REFUSED, SERVER_ERROR, UNEXPECTED, NO_ANSWER = (
    "saved",
    "refused",
    "server error",
    "unexpected",
    "no answer",
)
_PROJECT_PAGE = re.compile(r"^/projects/\d+/$")


# --- Forms on a page ----------------------------------------------------------------------


@dataclass
class PageForm:
    method: str
    action: str  # absolute URL the form posts to
    hidden: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    """Every <form> of a page with the hidden inputs a browser would send back."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._current: PageForm | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            # No action (or an empty one) posts back to the page itself.
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._current = PageForm(method=attributes.get("method", "get").lower(), action=action)
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None:
            if attributes.get("type", "").lower() != "hidden" or "disabled" in attributes:
                return  # browsers never send disabled controls
            if attributes.get("name"):
                self._current.hidden.append((attributes["name"], attributes.get("value", "")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_on(page_html: str, page_url: str) -> list[PageForm]:
    parser = _FormParser(page_url)
    parser.feed(page_html)
    parser.close()
    return parser.forms


@dataclass(frozen=True)
class OpenedForm:
    """A form as a person has it open in their browser: where it posts, the hidden inputs
    it carries (versions, tokens, the CSRF token) and the page it came from."""

    page: str
    action: str
    hidden: tuple[tuple[str, str], ...]

    def hidden_value(self, name: str) -> str | None:
        return next((value for key, value in self.hidden if key == name), None)


# --- People -------------------------------------------------------------------------------


class Person:
    """One signed-in user in one browser (a cookie jar), speaking HTTP to the live server."""

    def __init__(self, base_url: str, cookies: RequestsCookieJar, label: str):
        self.base_url = base_url
        self.cookies = cookies
        self.label = label

    def __repr__(self) -> str:
        return f"<Person {self.label}>"

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request on a connection of its own, closed after the answer: the server
        thread, and with it the request's database connection, ends with the request,
        rather than idling on a keep-alive socket (which a response kept for a failure
        report would hold open past the test) or being reused after the server closed it."""
        with requests.Session() as session:
            session.cookies = self.cookies
            session.headers["Connection"] = "close"
            return session.request(
                method, url, allow_redirects=False, timeout=REQUEST_TIMEOUT, **kwargs
            )

    def open_form(self, page: str, action: str | None = None) -> OpenedForm:
        """GET `page` and take the POST form on it that posts to `action` (by default the
        form that posts back to the page itself, as every edit form does)."""
        page_url = self.url(page)
        response = self.request("GET", page_url)
        if response.status_code != 200:
            raise AssertionError(
                f"{self.label} could not open {page}: HTTP {response.status_code} "
                f"{response.headers.get('Location', '')}"
            )
        wanted = urlsplit(self.url(action) if action else page_url)
        found = forms_on(response.text, page_url)
        matching = [
            form
            for form in found
            if form.method == "post" and urlsplit(form.action)[2:4] == wanted[2:4]
        ]
        if len(matching) != 1:
            raise AssertionError(
                f"expected one POST form for {wanted.path} on {page}, found {len(matching)}; "
                f"forms on the page: {[(f.method, urlsplit(f.action).path) for f in found]}"
            )
        form = matching[0]
        return OpenedForm(page=page_url, action=form.action, hidden=tuple(form.hidden))

    def submit(self, form: OpenedForm, data: dict | None = None) -> requests.Response:
        """POST the form with every hidden input the page gave plus `data` (which wins for
        a name present in both), as the browser would; redirects are not followed, since
        where they point is the answer."""
        token = self.cookies.get(settings.CSRF_COOKIE_NAME)
        if token is None:
            raise AssertionError(f"{self.label} has no CSRF cookie; open the form first")
        return self.request(
            "POST",
            form.action,
            data=_merge(form.hidden, data or {}),
            headers={"X-CSRFToken": token, "Referer": form.page},
        )

    def twin(self, label: str | None = None) -> Person:
        """The same person in another tab: same login and cookies, a jar of its own, so that
        tabs can post from different threads."""
        cookies = RequestsCookieJar()
        cookies.update(self.cookies)
        return Person(self.base_url, cookies, label or f"{self.label} (again)")


def _merge(hidden: Iterable[tuple[str, str]], data: dict) -> list[tuple[str, str]]:
    pairs = [(name, value) for name, value in hidden if name not in data]
    for name, value in data.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, str(item)) for item in values)
    return pairs


def log_in(base_url: str, user, label: str | None = None) -> Person:
    """A person signed in as `user`: a session created in the database, its cookie handed to
    an HTTP client (no password round trip, and no login throttling to trip over)."""
    client = Client()
    client.force_login(user)
    cookies = RequestsCookieJar()
    cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return Person(base_url, cookies, label or user.get_username())


# --- Races --------------------------------------------------------------------------------


def race(*attempts: Callable[[], requests.Response], delays: Iterable[float] = ()) -> list:
    """Run the attempts in threads released together by a barrier; each may wait its delay
    (seconds) after the release. Returns each attempt's response, or the exception it raised."""
    delays = list(delays) or [0.0] * len(attempts)
    assert len(delays) == len(attempts)
    start = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def run(index: int) -> None:
        try:
            start.wait(timeout=REQUEST_TIMEOUT)
            if delays[index] > 0:
                time.sleep(delays[index])
            results[index] = attempts[index]()
        except Exception as error:  # reported as an outcome, not lost in a thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT * 2)
    return results


def staggered(pairs: int, spread: float = 0.012) -> Iterator[tuple[int, tuple[float, float]]]:
    """(index, (first delay, second delay)) for each pair: the head start moves across
    ±`spread` seconds from pair to pair, so that the windows in which the two requests can
    interleave are hit whatever the machine's speed, with both orders tried."""
    for index in range(pairs):
        offset = spread * (2 * (index / max(pairs - 1, 1)) - 1)
        yield index, (max(-offset, 0.0), max(offset, 0.0))


def outcome_of(response) -> str:
    if isinstance(response, BaseException) or response is None:
        return NO_ANSWER
    if response.status_code >= 500:
        return SERVER_ERROR
    if response.status_code == 200:
        return REFUSED
    if response.status_code == 302 and _PROJECT_PAGE.match(
        urlsplit(response.headers.get("Location", "")).path
    ):
        return SAVED
    return UNEXPECTED


def _describe(response) -> str:
    if isinstance(response, BaseException) or response is None:
        return repr(response)
    location = response.headers.get("Location", "")
    return f"HTTP {response.status_code}{' → ' + location if location else ''}"


def refusal_reason(response) -> str:
    """The error messages on a form that came back, for reports."""
    text = response.text
    blocks = re.findall(
        r'class="[^"]*(?:alert-danger|invalid-feedback)[^"]*"[^>]*>(.*?)</(?:div|p|span)>',
        text,
        flags=re.S,
    )
    messages = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split()) for b in blocks]
    return "; ".join(m for m in messages if m) or "(no error message found)"


# --- Reports ------------------------------------------------------------------------------


class ServerErrorLog(logging.Handler):
    """Collects the exceptions behind 500 answers, which Django logs on `django.request`."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def summary(self) -> str:
        """Each kind of error once, with where in the application it was raised."""
        kinds = Counter()
        for record in self.records:
            error = record.exc_info[1] if record.exc_info else None
            if error is None:
                kinds[record.getMessage()] += 1
                continue
            first_line = (str(error).strip().splitlines() or [""])[0]
            kinds[f"{type(error).__name__}: {first_line}{_raised_at(error)}"] += 1
        return ", ".join(f"{n}× {kind}" for kind, n in kinds.most_common()) or "none logged"


def _raised_at(error: BaseException) -> str:
    """The innermost frame of the application's own code in the error's traceback."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if "/site-packages/" not in frame.filename and "/projects/" in frame.filename
    ]
    if not frames:
        return ""
    frame = frames[-1]
    path = frame.filename[frame.filename.rindex("/projects/") + 1 :]
    return f" (in {frame.name}, {path}:{frame.lineno})"


class RaceReport:
    """What happened over a run of races, asserted once with every count in the message."""

    def __init__(self, title: str, server_log: ServerErrorLog):
        self.title = title
        self.server_log = server_log
        self.races = 0
        self.outcomes: dict[str, Counter] = defaultdict(Counter)
        self.lost: dict[str, list[str]] = defaultdict(list)
        self.oddities: list[str] = []
        self.refusals: Counter = Counter()
        self.created: dict[str, int] = {}

    def race(self, *attempts: Callable[[], requests.Response], delays: Iterable[float] = ()):
        """Run one race (see `race`) and count it."""
        self.races += 1
        return race(*attempts, delays=delays)

    def record(self, side: str, response) -> str:
        outcome = outcome_of(response)
        self.outcomes[side][outcome] += 1
        if outcome in (UNEXPECTED, NO_ANSWER):
            self.oddities.append(f"{side}: {_describe(response)}")
        elif outcome == REFUSED:
            self.refusals[f"{side}: {refusal_reason(response)[:160]}"] += 1
        return outcome

    def saved(self, side: str, response) -> bool:
        """Record the response; True if the write was acknowledged."""
        return self.record(side, response) == SAVED

    def lose(self, side: str, detail: str) -> None:
        """An acknowledged write of `side` is not (or no longer) in the database."""
        self.lost[side].append(detail)

    def count_created(self, what: str, created: int) -> None:
        """How many `what` records the submissions created: exactly one is right."""
        self.created[what] = created

    @property
    def miscounts(self) -> dict[str, int]:
        return {what: n for what, n in self.created.items() if n != 1}

    @property
    def server_errors(self) -> int:
        return sum(counts[SERVER_ERROR] for counts in self.outcomes.values())

    @property
    def lost_writes(self) -> int:
        return sum(len(details) for details in self.lost.values())

    def summary(self) -> str:
        races = f"{self.races} race{'' if self.races == 1 else 's'}"
        lost = ", ".join(f"{side}: {len(details)}" for side, details in self.lost.items())
        sides = "; ".join(
            f"{side}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.most_common())
            for side, counts in self.outcomes.items()
        )
        lines = [
            f"{self.title}, {races}: {self.server_errors} answered 5xx, "
            f"{self.lost_writes} acknowledged writes lost ({lost or 'none'}), "
            f"{len(self.oddities)} unexpected answers",
            f"responses: {sides}",
        ]
        lines += [f"{what} created: {n} (exactly one expected)" for what, n in self.created.items()]
        if self.server_errors:
            lines.append(f"server errors: {self.server_log.summary()}")
        lines += [f"first lost {side}: {details[0]}" for side, details in self.lost.items()]
        if self.oddities:
            lines.append(f"unexpected: {self.oddities[:5]}")
        if self.refusals:
            lines.append(
                "refusals: " + "; ".join(f"{n}× {r}" for r, n in self.refusals.most_common(3))
            )
        return "\n".join(lines)

    def check(self) -> None:
        failed = self.server_errors or self.lost_writes or self.oddities or self.miscounts
        assert not failed, self.summary()
