"""The studio's web application: a Starlette app over one library folder.

Pages: ``/`` the library (the leadership report's summary and chart, live, each policy linking to
its editor, and a form for a new policy), ``/edit?path=FILE`` and ``/new?kind=KIND&folder=DIR&name=FILE``
the editor. The editor's script talks to ``/api/draft`` (a draft from the form or from its YAML
view: the text with comments kept, the data, the problems at their fields, and the evaluation),
``/api/remedy`` (a remedy's change to the draft, as a diff and as the new text) and ``/api/save``.

Safe by default: requests must name the host the server was bound to (a page on another site
cannot reach it through DNS rebinding); every call of the API carries the page's token in a header,
which a form or script on another site cannot send; the page's Content-Security-Policy allows its
own script and styles and no other origin; every text of a policy is escaped by the templates; a
request that cannot be served gets an error page (or a JSON error), never a traceback.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from policyweigh.errors import InputError, Problem
from policyweigh.formatting import signed
from policyweigh.labels import criterion_label
from policyweigh.loading import load_policy_text
from policyweigh.patching import patch_changes, patch_policy
from policyweigh.render.chart import build_chart, render_chart
from policyweigh.render.escape import html_text
from policyweigh.render.html import chart_points
from policyweigh.render.view import build_view, reach_text, span_text, verdict_title
from policyweigh.studio.form import form_schema, kinds, starter
from policyweigh.studio.roundtrip import apply_changes, merge_text, text_diff
from policyweigh.studio.workspace import Draft, PathRefused, SaveRefused, Workspace
from policyweigh.yamldoc import parse_yaml

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent
"""The package folder, its links followed (an editable install links each file), for templates and assets."""
TOKEN_HEADER = "x-studio-token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_BODY = 4 * 1024 * 1024
"""The largest request body the API reads: a draft of at most 1 MiB, written twice, and its data."""


def _finalize(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return html_text(value)
    return value


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["signed"] = signed
    env.filters["span"] = span_text
    env.filters["verdict"] = verdict_title
    env.filters["reach"] = reach_text
    env.filters["percent"] = lambda share: "" if share is None else f"{share * 100:.1f}%"
    return env


@lru_cache(maxsize=1)
def _form_schema() -> dict[str, Any]:
    return form_schema()


def _render(template: str, **values: Any) -> str:
    return _templates().get_template(template).render(**values)


class _Guard:
    """Security headers on every response, and the API's token and body size checked."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["path"].startswith("/api/") and scope["method"] != "GET":
            if not secrets.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
                await _json_error(403, "this request did not come from the studio's own page")(
                    scope, receive, send
                )
                return
            length = headers.get("content-length", "0") or "0"
            if not length.isdigit() or int(length) > MAX_BODY:
                await _json_error(413, "the draft is too large, or its length is not a number")(
                    scope, receive, send
                )
                return

        started = False

        async def secured(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except Exception as err:  # a bug: one line in the console, an error page in the browser
            print(f"policyweigh studio: {scope['path']}: {type(err).__name__}: {err}", file=sys.stderr)
            if started:
                return
            message = f"the request could not be served ({type(err).__name__}); this is a bug in policyweigh"
            if scope["path"].startswith("/api/"):
                response: Response = _json_error(500, message)
            else:
                response = HTMLResponse(
                    _render("error.html.j2", status=500, message=message), status_code=500
                )
            await response(scope, receive, secured)


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _error_page(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return _json_error(status, message)
    return HTMLResponse(_render("error.html.j2", status=status, message=message), status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, "send the draft as JSON")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, "the draft is too large")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise HTTPException(400, "the request is not JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the request is not a JSON object")
    return body


def _text(body: dict[str, Any], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str):
        raise HTTPException(400, f"the request has no text {key!r}")
    return value


def _problem_data(problem: Problem) -> dict[str, Any]:
    return problem.as_dict()


def _plain(value: Any) -> Any:
    """Data read from YAML as JSON can carry it (a date or a time of day read by YAML as text)."""
    return json.loads(json.dumps(value, default=str))


class Studio:
    """The routes over one workspace."""

    def __init__(self, workspace: Workspace, token: str) -> None:
        self.workspace = workspace
        self.token = token

    # Pages ---------------------------------------------------------------------------------------

    def _library_page(self) -> str:
        run, problems = self.workspace.evaluate_library()
        view = build_view(run, title="Policy library")
        chart = render_chart(build_chart(chart_points(view), view.margin)) if view.policies else None
        names = {}
        for result in run.evaluation.policies:
            if result.file is not None:
                names[result.id] = self.workspace.name_of(Path(result.file))
        return _render(
            "library.html.j2",
            view=view,
            chart=chart,
            names=names,
            problems=problems,
            root=str(self.workspace.root),
            kinds=kinds(),
            folders=self.workspace.folders(),
            token=self.token,
        )

    async def library(self, request: Request) -> Response:
        """``/``: the library's summary and chart, each policy linking to its editor."""
        return HTMLResponse(await run_in_threadpool(self._library_page))

    def _editor(self, name: str, text: str, opened: str | None) -> HTMLResponse:
        state = {"path": name, "yaml": text, "opened": opened, "isNew": opened is None, "kinds": kinds()}
        return HTMLResponse(_render("editor.html.j2", name=name, state=state, token=self.token))

    async def edit(self, request: Request) -> Response:
        """``/edit?path=FILE``: the editor on a policy file of the library folder."""
        name = request.query_params.get("path", "")
        try:
            text, opened = self.workspace.read(name)
        except PathRefused as err:
            return _error_page(request, 404, str(err))
        return self._editor(name, text, opened)

    async def new(self, request: Request) -> Response:
        """``/new?kind=KIND&folder=DIR&name=FILE``: the editor on a new policy from KIND's template."""
        kind = request.query_params.get("kind", "")
        folder = request.query_params.get("folder", "").strip("/")
        file = request.query_params.get("name", "").strip() or f"new-{kind}"
        stem = file.removesuffix(".yaml").removesuffix(".yml")
        name = f"{folder}/{stem}.yaml" if folder else f"{stem}.yaml"
        if kind not in kinds():
            return _error_page(request, 400, f"unknown rule kind {kind!r}; choose one of the list")
        try:
            path = self.workspace.resolve(name)
        except PathRefused as err:
            return _error_page(request, 400, str(err))
        if path.exists():
            return _error_page(
                request, 409, f"{name} already exists: open it from the library, or choose another name"
            )
        policy_id = stem if _slug(stem) else f"new-{kind}"
        return self._editor(name, starter(kind, policy_id), None)

    async def schema(self, request: Request) -> Response:
        """``/api/schema``: the format's JSON Schema with labels and units, for the form."""
        return JSONResponse(_form_schema())

    # The API ---------------------------------------------------------------------------------------

    def _outcome(self, name: str, text: str) -> dict[str, Any]:
        try:
            data = _plain(parse_yaml(text, name).data) if text.strip() else None
        except InputError as err:
            return {
                "yaml": text,
                "data": None,
                "problems": [_problem_data(p) for p in err.problems],
                "html": "",
            }
        draft = self.workspace.judge(text, name)
        return {
            "yaml": text,
            "data": data,
            "problems": [_problem_data(p) for p in draft.problems],
            "html": self._results(draft),
            "summary": _summary(draft),
        }

    def _results(self, draft: Draft) -> str:
        result = draft.result
        if result is None or draft.run is None:
            return ""
        rulebook = draft.run.rulebook
        return _render(
            "results.html.j2",
            r=result,
            conflicts=draft.conflicts,
            policy_id=draft.policy_id,
            criterion=lambda c: criterion_label(c, rulebook),
        )

    def _draft(self, body: dict[str, Any]) -> dict[str, Any]:
        name = _text(body, "path")
        text = _text(body, "yaml", "")
        if "data" in body and body["data"] is not None:
            try:
                try:
                    text = merge_text(text, body["data"])
                except InputError:  # the YAML view holds text that does not parse: the form's data wins
                    text = merge_text("", body["data"])
            except RecursionError:
                raise HTTPException(400, "the draft nests too deeply") from None
        return self._outcome(name, text)

    async def draft(self, request: Request) -> Response:
        """``/api/draft``: a draft's text (with the form's data written in), data, problems and evaluation."""
        body = await _body(request)
        return JSONResponse(await run_in_threadpool(self._draft, body))

    def _remedy(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = _text(body, "path")
        text = _text(body, "yaml")
        conflict, remedy = body.get("conflict"), body.get("remedy")
        if not isinstance(conflict, int) or not isinstance(remedy, int):
            return 400, {"error": "name the conflict and the remedy by their numbers"}
        draft = self.workspace.judge(text, name)
        if draft.problems or draft.run is None:
            return 409, {"error": "the draft has problems: fix them first"}
        found = draft.conflicts
        if not 0 <= conflict < len(found) or not 0 <= remedy < len(found[conflict].remedies):
            return 409, {"error": "that remedy is no longer offered: the draft changed"}
        chosen = found[conflict].remedies[remedy]
        if chosen.patch.policy != draft.policy_id:
            return 409, {"error": f"this remedy changes {chosen.patch.policy}: open that policy to apply it"}
        changes = patch_changes(chosen.patch)
        # The engine's patcher checks the change (a rule index the policy has, a valid result)
        # before the text is changed to match.
        patch_policy(load_policy_text(text, name), changes, label=name, added_at=chosen.patch.rule_index)
        after = apply_changes(text, changes)
        return 200, {"summary": chosen.summary, "diff": text_diff(text, after, name), "yaml": after}

    async def remedy(self, request: Request) -> Response:
        """``/api/remedy``: a remedy of the draft's conflicts as a diff and as the changed text."""
        body = await _body(request)
        status, answer = await run_in_threadpool(self._remedy, body)
        return JSONResponse(answer, status_code=status)

    def _save(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = _text(body, "path")
        text = _text(body, "yaml")
        opened = body.get("opened")
        if opened is not None and not isinstance(opened, str):
            return 400, {"error": "the request's fingerprint is not text"}
        try:
            fingerprint = self.workspace.save(name, text, opened, overwrite=body.get("overwrite") is True)
        except PathRefused as err:
            return 400, {"error": str(err)}
        except InputError as err:
            return 422, {
                "error": "the draft has problems",
                "problems": [_problem_data(p) for p in err.problems],
            }
        except SaveRefused as err:
            return 409, {"error": str(err), "reason": err.reason}
        except OSError as err:
            return 500, {"error": f"cannot write {name}: {err.strerror or err}"}
        return 200, {"saved": name, "opened": fingerprint}

    async def save(self, request: Request) -> Response:
        """``/api/save``: write the draft to its file, unless that would overwrite a change unasked."""
        body = await _body(request)
        status, answer = await run_in_threadpool(self._save, body)
        return JSONResponse(answer, status_code=status)


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _slug(text: str) -> bool:
    """Whether a file's name can be the policy's id as it stands."""
    return len(text) <= 80 and _SLUG.fullmatch(text) is not None


def _summary(draft: Draft) -> dict[str, Any] | None:
    result = draft.result
    if result is None:
        return None
    return {
        "verdict": result.verdict,
        "employee": result.scores.employee,
        "customer": result.scores.customer,
        "conflicts": len(draft.conflicts),
    }


def create_app(
    workspace: Workspace, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost"), token: str | None = None
) -> Starlette:
    """The studio over ``workspace``, answering only requests addressed to ``hosts``.

    ``token`` is the secret the page sends with every call of the API (a fresh one by default).
    """
    token = token or secrets.token_urlsafe(32)
    studio = Studio(workspace, token)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_page(request, 404, "no such page in the studio")

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "the request could not be served"
        return _error_page(request, status, str(detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _error_page(request, 500, f"the request could not be served ({type(exc).__name__})")

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        404: not_found,
        HTTPException: http_error,
        Exception: server_error,
    }
    app = Starlette(
        routes=[
            Route("/", studio.library),
            Route("/edit", studio.edit),
            Route("/new", studio.new),
            Route("/api/schema", studio.schema),
            Route("/api/draft", studio.draft, methods=["POST"]),
            Route("/api/remedy", studio.remedy, methods=["POST"]),
            Route("/api/save", studio.save, methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts)),
            Middleware(_Guard, token=token),
        ],
        exception_handlers=handlers,
    )
    app.state.token = token
    return app
