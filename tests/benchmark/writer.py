"""A coordinator saving status updates while the pages are loaded: once a second, as a
browser does it, over HTTP: open the status update form of one of the coordinator's projects,
take the CSRF token and the form's hidden fields (the one-time submission token), fill in
the form and send it; a saved update answers with a redirect. The projects take turns."""

import http.client
import random
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode


class FormFields(HTMLParser):
    """The fields of the page's form with method="post": hidden and filled-in inputs with
    their values, the choices of each radio group, and the text areas."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.values: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.textareas: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "radio":
                self.radios.setdefault(name, []).append(attrs.get("value") or "")
            elif kind in ("checkbox", "submit", "button"):
                return
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textareas.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


class Writer(threading.Thread):
    """Run with start(); stop() ends it and returns its figures."""

    def __init__(self, port: int, session_cookie: str, project_ids: list[int], *, every=1.0):
        super().__init__(daemon=True)
        self.port = port
        self.session_cookie = session_cookie
        self.project_ids = project_ids
        self.every = every
        self.rng = random.Random(7)
        self.csrf_cookie = ""
        self.latencies_ms: list[float] = []
        self.failures: list[str] = []
        self.halt = threading.Event()

    def run(self):
        turn = 0
        while not self.halt.is_set():
            started = time.monotonic()
            project = self.project_ids[turn % len(self.project_ids)]
            turn += 1
            try:
                self.write(project, turn)
            except Exception as error:  # noqa: BLE001 (reported: a failed write fails the run)
                self.failures.append(f"project {project}: {error!r}")
            self.halt.wait(max(0.0, self.every - (time.monotonic() - started)))

    def stop(self) -> dict:
        self.halt.set()
        self.join(timeout=60)
        latencies = sorted(self.latencies_ms)

        def percentile(share: float) -> float:
            if not latencies:
                return 0.0
            return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 1)

        return {
            "writes": len(latencies),
            "failed": len(self.failures),
            "failures": self.failures[:5],
            "projects": len(self.project_ids),
            "p50_ms": percentile(0.5),
            "p90_ms": percentile(0.9),
            "max_ms": round(latencies[-1], 1) if latencies else 0.0,
        }

    def request(self, method: str, path: str, body: str | None = None):
        cookies = "; ".join(filter(None, [self.session_cookie, self.csrf_cookie]))
        headers = {"Cookie": cookies, "X-Forwarded-Proto": "https"}
        if body is not None:
            origin = f"https://127.0.0.1:{self.port}"
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}{path}",
            }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if "csrf" in name.lower():
                    self.csrf_cookie = f"{name}={morsel.value}"
        return response, content

    def write(self, project: int, turn: int) -> None:
        path = f"/projects/{project}/updates/new/"
        started = time.monotonic()
        response, content = self.request("GET", path)
        if response.status != 200:
            raise RuntimeError(f"the form answered {response.status}")
        form = FormFields()
        form.feed(content)
        if "csrfmiddlewaretoken" not in form.values:
            raise RuntimeError("the form has no CSRF token")
        data = dict(form.values)
        for name, choices in form.radios.items():
            data[name] = self.rng.choice(choices)
        for name in form.textareas:
            data[name] = "" if name.startswith("help") else f"Status {turn}: arbejdet skrider frem."
        response, content = self.request("POST", path, urlencode(data))
        if response.status != 302:
            raise RuntimeError(f"the update answered {response.status}: {content[:300]!r}")
        self.latencies_ms.append((time.monotonic() - started) * 1000)
