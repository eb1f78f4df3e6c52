-- GET the URL given to wrk, with the bearer token from HTTP_LOAD_TOKEN (when
-- set). No request() hook, so wrk sends one pre-built request: the cheapest way.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local token = os.getenv("HTTP_LOAD_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
