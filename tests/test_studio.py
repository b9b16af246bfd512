"""The drafting studio's routes, through Starlette's TestClient on a copy of the bundled library.

Real components throughout: the library on disk, the settings and organisation of the repository,
the engine's evaluation, ruamel round trips. Covers evaluation as JSON and HTML fragments, problems
located at their field, the YAML view in step with the form, remedies as diffs, saving with
comments kept, the refusals (paths outside the folder, a file changed on disk, requests from
elsewhere) and the escaping of a hostile title.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")

from starlette.testclient import TestClient  # noqa: E402

from policyweigh.loading import load_policy, load_policy_text  # noqa: E402
from policyweigh.patching import patch_changes, patch_policy  # noqa: E402
from policyweigh.project import open_settings  # noqa: E402
from policyweigh.studio.app import TOKEN_HEADER, create_app  # noqa: E402
from policyweigh.studio.roundtrip import apply_changes, merge_text  # noqa: E402
from policyweigh.studio.workspace import Workspace  # noqa: E402
from policyweigh.templates import policy_template  # noqa: E402
from policyweigh.yamldoc import parse_yaml  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

TOKEN = "test-token"
HOSTILE_TITLE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of the bundled library to write into."""
    target = tmp_path / "library"
    shutil.copytree(ROOT / "policies", target)
    return target


@pytest.fixture
def client(library: Path) -> Iterator[TestClient]:
    setup = open_settings(config=ROOT / "policyweigh.toml")
    app = create_app(Workspace(library, setup), token=TOKEN)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test_client:
        test_client.headers[TOKEN_HEADER] = TOKEN
        yield test_client


def _template() -> str:
    return policy_template("break-rule", "studio-lunch")


def _data(text: str) -> Any:
    return parse_yaml(text, "draft").data


def _with_window(text: str, start: str, end: str, starts: list[str] | None = None) -> dict[str, Any]:
    data = _data(text)
    data["jurisdiction"] = "uk"
    data["scope"]["teams"] = ["inbound"]
    data["scope"]["shift_hours"] = 8
    data["scope"]["shift_starts"] = starts or ["08:00"]
    data["rules"][0]["blocked_windows"] = [{"from": start, "to": end}]
    return data


def _draft(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/draft", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


NAME = "breaks/studio-lunch.yaml"


def test_a_draft_is_evaluated_with_scores_ranges_and_contributions(client: TestClient) -> None:
    answer = _draft(client, {"path": NAME, "yaml": _template()})
    assert answer["problems"] == []
    assert answer["summary"]["verdict"]
    html = answer["html"]
    assert 'id="score-employee"' in html and 'id="range-employee"' in html
    assert "Every contribution" in html
    assert answer["data"]["rules"][0]["kind"] == "break-rule"


def test_form_data_is_written_into_the_yaml_with_its_comments(client: TestClient) -> None:
    text = _template()
    answer = _draft(client, {"path": NAME, "yaml": text, "data": _with_window(text, "10:00", "11:00")})
    assert answer["problems"] == []
    yaml_text = answer["yaml"]
    assert "# Which break the rule governs." in yaml_text
    assert 'blocked_windows: [{from: "10:00", to: "11:00"}]' in yaml_text
    assert 'shift_starts: ["08:00"]' in yaml_text
    assert load_policy_text(yaml_text).rules[0].blocked_windows[0].to == "11:00"  # type: ignore[union-attr]
    # The queue numbers: the repository's settings name an organisation with an inbound team.
    assert "queue-table" in answer["html"]


def test_an_invalid_time_is_located_at_its_field(client: TestClient) -> None:
    text = _template()
    answer = _draft(client, {"path": NAME, "yaml": text, "data": _with_window(text, "10:00", "25:00")})
    assert answer["html"] == ""
    (problem,) = answer["problems"]
    assert problem["path"] == "rules[0].blocked_windows[0].to"
    assert problem["file"] == NAME
    line = answer["yaml"].splitlines()[problem["line"] - 1]
    assert line[problem["column"] - 1 :].startswith('"25:00"')


def test_the_yaml_view_gives_the_form_its_data(client: TestClient) -> None:
    text = _template().replace("min_minutes: 30", "min_minutes: 45")
    answer = _draft(client, {"path": NAME, "yaml": text})
    assert answer["data"]["rules"][0]["min_minutes"] == 45
    assert answer["yaml"] == text


def test_yaml_that_does_not_parse_is_located_not_a_traceback(client: TestClient) -> None:
    answer = _draft(client, {"path": NAME, "yaml": "id: a\ntitle: [unclosed\n"})
    assert answer["problems"] and answer["problems"][0]["line"] >= 1
    assert answer["html"] == ""


def test_scores_move_when_the_blocked_window_widens(client: TestClient) -> None:
    text = _template()
    narrow = _draft(client, {"path": NAME, "yaml": text, "data": _with_window(text, "10:00", "11:00")})
    wide = _draft(client, {"path": NAME, "yaml": text, "data": _with_window(text, "10:00", "14:00")})
    assert wide["summary"]["employee"] < narrow["summary"]["employee"]


def test_a_remedy_is_shown_as_a_diff_and_gives_the_patched_policy(client: TestClient) -> None:
    text = _template()
    draft = _draft(client, {"path": NAME, "yaml": text, "data": _with_window(text, "10:00", "13:00")})["yaml"]
    response = client.post("/api/remedy", json={"path": NAME, "yaml": draft, "conflict": 0, "remedy": 0})
    assert response.status_code == 200, response.text
    answer = response.json()
    diff = answer["diff"]
    assert any(line.startswith("-") and "blocked_windows" in line for line in diff)
    assert any(line.startswith("+") and not line.startswith("+++") for line in diff)
    after = answer["yaml"]
    assert "# Which break the rule governs." in after
    patched = load_policy_text(after)
    assert patched.rules[0].blocked_windows == []  # type: ignore[union-attr]


def test_a_remedy_matches_the_engine_patcher(library: Path) -> None:
    setup = open_settings(config=ROOT / "policyweigh.toml")
    workspace = Workspace(library, setup)
    text = _template()
    draft = merge_text(text, _with_window(text, "10:00", "13:00"))
    judged = workspace.judge(draft, NAME)
    assert judged.run is not None and judged.conflicts
    policy = load_policy_text(draft)
    for conflict in judged.conflicts:
        for remedy in conflict.remedies:
            if remedy.patch.policy != policy.id:
                continue
            changes = patch_changes(remedy.patch)
            expected = patch_policy(policy, changes, label=NAME, added_at=remedy.patch.rule_index)
            assert load_policy_text(apply_changes(draft, changes)) == expected


def test_saving_keeps_comments_and_key_order(client: TestClient, library: Path) -> None:
    name = "breaks/pie-van-lunch-ban.yaml"
    before = (library / name).read_text(encoding="utf-8")
    page = client.get("/edit", params={"path": name})
    assert page.status_code == 200
    opened = Workspace(library, open_settings(config=ROOT / "policyweigh.toml")).read(name)[1]
    data = _data(before)
    data["rules"][0]["min_minutes"] = 45
    draft = _draft(client, {"path": name, "yaml": before, "data": data})
    response = client.post("/api/save", json={"path": name, "yaml": draft["yaml"], "opened": opened})
    assert response.status_code == 200, response.text
    after = (library / name).read_text(encoding="utf-8")
    assert load_policy(library / name).rules[0].min_minutes == 45  # type: ignore[union-attr]
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("    min_minutes: 30", "    min_minutes: 45")]


def test_a_file_changed_on_disk_is_not_overwritten_without_asking(client: TestClient, library: Path) -> None:
    name = "breaks/pie-van-lunch-ban.yaml"
    path = library / name
    text = path.read_text(encoding="utf-8")
    opened = Workspace(library, open_settings(config=ROOT / "policyweigh.toml")).read(name)[1]
    elsewhere = text.replace("min_minutes: 30", "min_minutes: 40")
    path.write_text(elsewhere, encoding="utf-8")
    mine = text.replace("min_minutes: 30", "min_minutes: 45")
    refused = client.post("/api/save", json={"path": name, "yaml": mine, "opened": opened})
    assert refused.status_code == 409
    assert refused.json()["reason"] == "changed"
    assert path.read_text(encoding="utf-8") == elsewhere
    agreed = client.post("/api/save", json={"path": name, "yaml": mine, "opened": opened, "overwrite": True})
    assert agreed.status_code == 200
    assert path.read_text(encoding="utf-8") == mine


def test_a_new_policy_goes_into_the_chosen_folder_and_never_over_a_file(
    client: TestClient, library: Path
) -> None:
    page = client.get("/new", params={"kind": "break-rule", "folder": "breaks", "name": "studio-lunch"})
    assert page.status_code == 200
    text = _template()
    saved = client.post("/api/save", json={"path": NAME, "yaml": text, "opened": None})
    assert saved.status_code == 200, saved.text
    assert (library / NAME).read_text(encoding="utf-8") == text
    again = client.post("/api/save", json={"path": NAME, "yaml": text, "opened": None})
    assert again.status_code == 409 and again.json()["reason"] == "exists"
    taken = client.get("/new", params={"kind": "break-rule", "folder": "breaks", "name": "studio-lunch"})
    assert taken.status_code == 409


def test_an_invalid_draft_is_not_saved(client: TestClient, library: Path) -> None:
    bad = _template().replace("min_minutes: 30", "min_minutes: lots")
    response = client.post("/api/save", json={"path": NAME, "yaml": bad, "opened": None})
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "rules[0].min_minutes"
    assert not (library / NAME).exists()


def test_a_duplicate_id_is_located_at_the_id(client: TestClient) -> None:
    text = policy_template("break-rule", "pie-van-lunch-ban")
    (problem,) = _draft(client, {"path": NAME, "yaml": text})["problems"]
    assert problem["path"] == "id" and "already used in breaks/pie-van-lunch-ban.yaml" in problem["message"]


@pytest.mark.parametrize(
    "name",
    ["../outside.yaml", "/etc/passwd", "breaks/../../outside.yaml", ".hidden/x.yaml", "breaks/x.txt", ""],
)
def test_paths_outside_the_library_are_refused(client: TestClient, library: Path, name: str) -> None:
    page = client.get("/edit", params={"path": name})
    assert page.status_code == 404
    assert "Traceback" not in page.text and 'class="error-message"' in page.text
    saved = client.post("/api/save", json={"path": name, "yaml": _template(), "opened": None})
    assert saved.status_code == 400
    assert not (library.parent / "outside.yaml").exists()


def test_a_link_leading_out_of_the_library_is_refused(
    client: TestClient, library: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(_template(), encoding="utf-8")
    os.symlink(secret, library / "link.yaml")
    assert client.get("/edit", params={"path": "link.yaml"}).status_code == 404
    saved = client.post(
        "/api/save", json={"path": "link.yaml", "yaml": _template(), "opened": None, "overwrite": True}
    )
    assert saved.status_code == 400
    assert secret.read_text(encoding="utf-8") == _template()


def test_a_hostile_title_is_escaped_everywhere(client: TestClient, library: Path) -> None:
    text = _template().replace("title: New break rule policy", f"title: '{HOSTILE_TITLE}'")
    (library / "breaks" / "hostile.yaml").write_text(
        text.replace("studio-lunch", "hostile"), encoding="utf-8"
    )
    for page in (client.get("/"), client.get("/edit", params={"path": "breaks/hostile.yaml"})):
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    listing = client.get("/").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in listing
    answer = _draft(client, {"path": NAME, "yaml": text})
    assert "<script>" not in answer["html"] and "<img" not in answer["html"]


def test_requests_from_elsewhere_are_refused(client: TestClient) -> None:
    body = {"path": NAME, "yaml": _template(), "opened": None}
    no_token = client.post("/api/save", json=body, headers={TOKEN_HEADER: "wrong"})
    assert no_token.status_code == 403
    other_host = client.get("/", headers={"host": "attacker.example"})
    assert other_host.status_code == 400
    form_post = client.post(
        "/api/draft", content=b'{"path": "x.yaml"}', headers={"content-type": "text/plain"}
    )
    assert form_post.status_code == 415
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_bad_requests_get_errors_not_tracebacks(client: TestClient) -> None:
    for response in (
        client.post("/api/draft", content=b"{not json", headers={"content-type": "application/json"}),
        client.post("/api/draft", json=["a list"]),
        client.post("/api/draft", json={"yaml": 3}),
        client.post("/api/remedy", json={"path": NAME, "yaml": _template(), "conflict": "x", "remedy": 0}),
        client.post("/api/remedy", json={"path": NAME, "yaml": _template(), "conflict": 99, "remedy": 0}),
    ):
        assert 400 <= response.status_code < 500, response.text
        assert "error" in response.json()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and 'class="error-message"' in missing.text
    unknown = client.get("/new", params={"kind": "no-such-kind", "name": "x"})
    assert unknown.status_code == 400


def test_the_library_view_has_the_summary_the_chart_and_links_to_each_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'class="quadrant-chart' in page.text or "quadrant-chart" in page.text
    count = len([p for p in (ROOT / "policies").rglob("*.yaml")])
    assert page.text.count('class="edit-link"') == count
    assert "/edit?path=breaks/pie-van-lunch-ban.yaml" in page.text


def test_the_form_schema_has_labels_units_and_help(client: TestClient) -> None:
    schema = client.get("/api/schema").json()
    rule = schema["$defs"]["BreakRule"]["properties"]
    assert rule["min_minutes"]["x-unit"] == "minutes"
    assert rule["min_minutes"]["description"]
    assert rule["scheduling"]["enum"] == ["fixed", "staggered", "self-organised"]
    assert all("x-label" in field for field in rule.values())


def test_evaluate_never_loads_the_web_stack() -> None:
    """Quickstart's `policyweigh evaluate policies/` needs no studio extra: it never imports it."""
    code = (
        "import sys\n"
        "from policyweigh.cli import main\n"
        "assert main(['evaluate', 'policies', '--format', 'json']) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'ruamel'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_help_example_names_a_folder_and_a_port() -> None:
    import click

    from policyweigh.cli import CONTEXT_SETTINGS, cli

    command = cli.commands["studio"]
    example = (command.help or "").strip().splitlines()[-1].split()
    assert example[:3] == ["Example:", "policyweigh", "studio"]
    # Parsed under the command group's own context, as the command line does (its -h included).
    with click.Context(cli, info_name="policyweigh", **CONTEXT_SETTINGS) as group:  # type: ignore[arg-type]
        values = command.make_context("studio", example[3:], parent=group).params
    assert (ROOT / values["path"]).is_dir() and values["port"] == 8765


def test_the_command_refuses_a_host_beyond_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    from policyweigh.cli import main

    assert main(["studio", str(ROOT / "policies"), "--host", "0.0.0.0"]) == 2
    assert "0.0.0.0" in capsys.readouterr().err


def test_a_port_in_use_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from policyweigh.cli import main

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["studio", str(ROOT / "policies"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_the_command_without_the_extra_says_how_to_install_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = None\n"
        "from policyweigh.cli import main\n"
        "sys.exit(main(['studio', 'policies']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "pip install '.[studio]'" in done.stderr and "studio extra" in done.stderr
    assert "Traceback" not in done.stderr
