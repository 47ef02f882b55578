-- wrk's script for one measured page (bench/run.py sets the environment): every request
-- carries the signed-in session; every answer is checked, not just counted; a POST fills in a
-- new one-use submission key each time, so each request saves a new record.
local cookie = os.getenv("BENCH_COOKIE")
local expect = os.getenv("BENCH_EXPECT")
local method = os.getenv("BENCH_METHOD") or "GET"
local form = os.getenv("BENCH_FORM") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  first_bad = ""
  sent = 0
  started = os.time()
end

function request()
  if method == "POST" then
    sent = sent + 1
    local key = string.format("%08x-%04x-4000-8000-%012x", started % 0xfffffff, number, sent)
    local body = form:gsub("__KEY__", key)
    return wrk.format("POST", nil, {
      ["Cookie"] = cookie,
      ["X-CSRFToken"] = csrf,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  return wrk.format("GET", nil, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  local ok
  if method == "POST" then
    ok = status == 302 and (headers["Location"] or ""):find(expect, 1, true) ~= nil
  else
    ok = status == 200 and body:find(expect, 1, true) ~= nil
  end
  if not ok then
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if first == "" then first = thread:get("first_bad") end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, "bad": %d, ' ..
    '"first_bad": "%s", "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, bad_total, first,
    errors.connect + errors.read + errors.write + errors.timeout))
end
