-- wrk script: request the URLs of a file (one per line) in turn; each thread starts at its
-- own offset. Usage: wrk ... -s scripts/bench-urls.lua <base url> -- <file>
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path = line:gsub("^https?://[^/]+", "")
    paths[#paths + 1] = path
  end
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
