-- 95% reads, 5% writes: every 20th request of a connection's thread is a POST
-- of an invitation with a unique email, load-<run>-<thread>-<n>@example.com;
-- the others GET the list.
--   HTTP_LOAD_TOKEN       bearer token
--   HTTP_LOAD_READ_PATH   path and query of the read (default: wrk's URL path)
--   HTTP_LOAD_WRITE_PATH  path that takes the POST (.../organization_member)
--   HTTP_LOAD_RUN         tag that keeps emails unique across runs
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local token = os.getenv("HTTP_LOAD_TOKEN") or ""
local read_path = os.getenv("HTTP_LOAD_READ_PATH")
if read_path == "" then read_path = nil end
local write_path = os.getenv("HTTP_LOAD_WRITE_PATH")
local run = os.getenv("HTTP_LOAD_RUN") or "0"

-- Main state: number the threads so that their emails never collide.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local read_request
local auth = {}
if token ~= "" then auth["Authorization"] = "Bearer " .. token end

function init(args)
  read_request = wrk.format("GET", read_path, auth)
  if not write_path or write_path == "" then
    error("mix.lua: HTTP_LOAD_WRITE_PATH is not set")
  end
end

function request()
  counter = counter + 1
  if counter % 20 ~= 0 then
    return read_request
  end
  local body = string.format('{"Email":"load-%s-%d-%d@example.com","Role":"MEMBER"}',
                             run, thread_number or 0, counter)
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(auth) do headers[k] = v end
  return wrk.format("POST", write_path, headers, body)
end
