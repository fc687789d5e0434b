"""Load one page kind with wrk: each request the next line of a file of `<cookie>\\t<path>`
lines, each wrk thread its own disjoint slice of the file (line i goes to thread i mod t).

A thread never requests a line twice: it stops when its slice is nearly used up (leaving a
reserve for the requests already on their way) and says so. Only a one-address page kind
(`cycle`) goes round its lines again. Every response that is not 2xx counts as an error;
an `X-Cache: hit|miss` header is counted when the application sends one.
"""

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

WRK_SCRIPT = r"""
local threads = {}
local number = 0

function setup(thread)
  number = number + 1
  thread:set("id", number)
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(os.getenv("BENCH_WRK_THREADS"))
  cycle = os.getenv("BENCH_WRK_CYCLE") == "1"
  reserve = tonumber(os.getenv("BENCH_WRK_RESERVE"))
  lines = {}
  local i = 0
  for line in io.lines(os.getenv("BENCH_WRK_URLS")) do
    if i % count == id - 1 then
      local tab = line:find("\t", 1, true)
      lines[#lines + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
    end
    i = i + 1
  end
  if cycle and #lines == 0 then
    for line in io.lines(os.getenv("BENCH_WRK_URLS")) do
      local tab = line:find("\t", 1, true)
      lines[#lines + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
    end
  end
  slice, index, issued, repeats, non2xx, hits, misses, exhausted = #lines, 0, 0, 0, 0, 0, 0, 0
  seen = {}
end

function request()
  if index >= #lines then
    index = 0
  end
  index = index + 1
  local cookie, path = lines[index][1], lines[index][2]
  if seen[path] then
    repeats = repeats + 1
  end
  seen[path] = true
  issued = issued + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if cookie ~= "" then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
  if not cycle and #lines - index <= reserve and exhausted == 0 then
    exhausted = 1
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local totals = {issued = 0, repeats = 0, non2xx = 0, hits = 0, misses = 0, exhausted = 0,
                  slice = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (thread:get(key) or 0)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p90_ms": %f, "p99_ms": %f, '
    .. '"max_ms": %f, "socket_errors": %d, "non2xx": %d, "issued": %d, "repeats": %d, '
    .. '"cache_hits": %d, "cache_misses": %d, "threads_exhausted": %d, "lines": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, totals.non2xx,
    totals.issued, totals.repeats, totals.hits, totals.misses, totals.exhausted, totals.slice))
end
"""


def write_lines(lines: list[tuple[str, str]], directory: str) -> Path:
    """The `<cookie>\\t<path>` file for one page kind."""
    handle, name = tempfile.mkstemp(suffix=".tsv", dir=directory)
    with os.fdopen(handle, "w") as file:
        for cookie, path in lines:
            file.write(f"{cookie}\t{path}\n")
    return Path(name)


def run_wrk(
    base_url: str,
    lines: list[tuple[str, str]],
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    cycle: bool = False,
) -> dict:
    """Requests/s, p50/p90/p99, errors (socket errors and non-2xx answers), the addresses
    requested and how many of them were requests for an address already requested."""
    paths = [path for _cookie, path in lines]
    duplicates_in_file = len(paths) - len(set(paths))
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        script = Path(directory, "mixed.lua")
        script.write_text(WRK_SCRIPT)
        url_file = write_lines(lines, directory)
        env = {
            **os.environ,
            "BENCH_WRK_URLS": str(url_file),
            "BENCH_WRK_THREADS": str(threads),
            "BENCH_WRK_CYCLE": "1" if cycle else "0",
            # Requests already on their way when a thread stops: at most one per connection.
            "BENCH_WRK_RESERVE": str(connections),
        }
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            base_url,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, env=env)
    found = re.search(r"RESULT (\{.*\})", completed.stdout)
    if completed.returncode or not found:
        output = completed.stdout + completed.stderr
        raise RuntimeError(f"wrk failed ({completed.returncode}): {output}")
    result = json.loads(found.group(1))
    result["errors"] = result.pop("socket_errors") + result["non2xx"]
    # Each request of a thread is the next line of its slice: the distinct addresses are the
    # requests issued less those that came round again.
    result["repeats"] += 0 if cycle else duplicates_in_file
    result["distinct_urls"] = len(set(paths)) if cycle else result["issued"] - result["repeats"]
    result["urls_available"] = len(set(paths))
    result["rps"] = round(result["requests"] / result["seconds"], 1) if result["seconds"] else 0.0
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "seconds"):
        result[key] = round(result[key], 1)
    return result
