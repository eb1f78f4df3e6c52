-- 95% reads, 5% writes: every 20th request of a connection's thread is a POST
-- of an invitation with a unique email, load-<run>-<thread>-<n>@example.com;
-- the others GET the read paths in turn.
--   HTTP_LOAD_TOKEN       bearer token
--   HTTP_LOAD_READ_PATHS  paths and queries of the reads, separated by '|'
--   HTTP_LOAD_READ_PATH   the one read when HTTP_LOAD_READ_PATHS is unset
--                         (default: wrk's URL path)
--   HTTP_LOAD_WRITE_PATH  path that takes the POST (.../organization_member)
--   HTTP_LOAD_RUN         tag that keeps emails unique across runs
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local token = os.getenv("HTTP_LOAD_TOKEN") or ""
local read_paths = {}
for p in string.gmatch(os.getenv("HTTP_LOAD_READ_PATHS") or "", "[^|]+") do
  table.insert(read_paths, p)
end
local write_path = os.getenv("HTTP_LOAD_WRITE_PATH")
local run = os.getenv("HTTP_LOAD_RUN") or "0"

-- Main state: number the threads so that their emails never collide.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
local read_requests = {}
local auth = {}
if token ~= "" then auth["Authorization"] = "Bearer " .. token end

function init(args)
  if #read_paths == 0 then
    local one = os.getenv("HTTP_LOAD_READ_PATH")
    read_paths = {(one and one ~= "") and one or wrk.path}
  end
  for i, p in ipairs(read_paths) do read_requests[i] = wrk.format("GET", p, auth) end
  if not write_path or write_path == "" then
    error("mix.lua: HTTP_LOAD_WRITE_PATH is not set")
  end
end

function request()
  counter = counter + 1
  if counter % 20 ~= 0 then
    return read_requests[counter % #read_requests + 1]
  end
  local body = string.format('{"Email":"load-%s-%d-%d@example.com","Role":"MEMBER"}',
                             run, thread_number or 0, counter)
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(auth) do headers[k] = v end
  return wrk.format("POST", write_path, headers, body)
end
