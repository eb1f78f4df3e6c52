-- Shared by the http_load scenarios: wrk's done() hook prints the latency
-- percentiles and one machine-readable line, which bench/http_load.sh reads:
--   HTTP_LOAD_RESULT {"requests":N,"duration_us":N,"rps":X,"p50_us":N,...}
-- Latencies are microseconds. "non2xx" is wrk's errors.status: responses with a
-- status >= 400 (rollcall answers no 3xx on these routes).

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local rps = 0
  if seconds > 0 then rps = summary.requests / seconds end
  local e = summary.errors
  local p = function(q) return latency:percentile(q) end
  io.write(string.format(
    "  latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; %.1f req/s\n",
    p(50) / 1000, p(90) / 1000, p(99) / 1000, p(99.9) / 1000, latency.max / 1000, rps))
  io.write(string.format(
    'HTTP_LOAD_RESULT {"requests":%d,"duration_us":%d,"rps":%.1f,"mean_us":%.1f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"bytes":%d,' ..
    '"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, rps, latency.mean,
    p(50), p(90), p(99), p(99.9), latency.max, summary.bytes,
    e.status, e.connect, e.read, e.write, e.timeout))
end
