"""deploy/nginx.conf, the template of nginx in front of the site's replicas: filled in as
benchmarks/replicas.py fills it, nginx accepts it. No load and no timings here: the benchmark
itself runs with `python -m benchmarks.replicas`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` is not an installed package; make it importable under plain pytest
    sys.path.insert(0, str(ROOT))

from benchmarks.replicas import NGINX, TEMPLATE, config_values, nginx_command, render_config, write_config
from workspace import default_signals

needs_nginx = pytest.mark.skipif(not NGINX.exists(), reason=f"{NGINX} missing (make nginx installs it)")


def rendered(cache: bool = True) -> str:
    """The template filled in for nginx on 127.0.0.1:8080 before replicas on ports 8001 and 8002."""
    return render_config(
        TEMPLATE.read_text(encoding="utf-8"),
        config_values("127.0.0.1:8080", [8001, 8002], cache=cache, host="data.example.org"),
    )


def directives(text: str) -> list[str]:
    """The configuration's lines without comments and blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


@needs_nginx
@pytest.mark.parametrize("cache", [True, False], ids=["cache-on", "cache-off"])
def test_nginx_accepts_the_rendered_config(tmp_path: Path, cache: bool):
    config = write_config(tmp_path, rendered(cache))
    result = subprocess.run(
        nginx_command(tmp_path, config, "-t"), capture_output=True, text=True, timeout=30, preexec_fn=default_signals
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_every_replica_is_an_upstream_server_and_failures_go_to_another():
    lines = directives(rendered())
    assert "server 127.0.0.1:8001 max_fails=1 fail_timeout=3s;" in lines
    assert "server 127.0.0.1:8002 max_fails=1 fail_timeout=3s;" in lines
    assert "proxy_next_upstream error timeout http_502 http_503;" in lines
    assert "keepalive 32;" in lines and 'proxy_set_header Connection "";' in lines
    assert "keepalive_timeout 4s;" in lines  # under uvicorn's 5 s
    assert "listen 127.0.0.1:8080 default_server;" in lines


def test_the_cache_keys_on_the_fixed_host_and_scheme_the_links_are_built_from():
    lines = directives(rendered())
    # The replicas never see the client's Host, so a page cached for one Host is right for every client.
    assert "proxy_set_header Host data.example.org;" in lines
    assert "proxy_set_header X-Forwarded-Proto http;" in lines
    assert 'proxy_cache_key "http://data.example.org$request_uri";' in lines
    assert not any("$host" in line or "$http_host" in line for line in lines)


def test_responses_with_cookies_and_signed_in_requests_are_not_cached():
    lines = directives(rendered())
    assert not any(line.startswith("proxy_ignore_headers") for line in lines)  # nginx keeps no Set-Cookie response
    assert "proxy_no_cache $cookie_ds_actor $http_authorization;" in lines
    assert "proxy_cache_bypass $cookie_ds_actor $http_authorization;" in lines


def test_cache_off_sends_every_request_to_a_replica():
    assert "proxy_cache off;" in directives(rendered(cache=False))
    assert "proxy_cache kz_site;" in directives(rendered(cache=True))


def test_rendering_leaves_no_placeholder_outside_comments_and_refuses_missing_or_unknown_values():
    assert not re.search(r"@[A-Z_]+@", "\n".join(directives(rendered())))
    template = TEMPLATE.read_text(encoding="utf-8")
    values = config_values("127.0.0.1:8080", [8001])
    with pytest.raises(ValueError, match="no value for @CACHE@"):
        render_config(template, {k: v for k, v in values.items() if k != "CACHE"})
    with pytest.raises(ValueError, match="no placeholder for EXTRA"):
        render_config(template, {**values, "EXTRA": "1"})


def test_a_value_of_several_lines_keeps_the_placeholder_indentation():
    assert render_config("a {\n    @X@\n}", {"X": "one;\ntwo;"}) == "a {\n    one;\n    two;\n}\n"
