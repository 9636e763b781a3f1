-- bench/lua/workload.lua: the fixed workload of the real-program benchmark
-- (bench/real_program.sh runs it with Debian's Lua 5.4 built twice, plain
-- clang and morestack). A mix of what interpreters spend their time on:
-- Lua calls, table inserts and sorts (with a Lua comparator: C calling Lua),
-- string building, formatting and pattern matching, closures, coroutines,
-- pcall/error, metatables (__index functions, arithmetic and comparison
-- metamethods), and compiling generated code (the parser recurses in C).
--
--   lua workload.lua [N [SECTION]]   N: repetitions of the whole mix (default 1);
--                                    SECTION: run only that one (fib, tables, ...)
--
-- Prints one checksum line per section. The output depends on N only: no
-- clock, no addresses, no iteration over hash-part order, no error message
-- locations (they would name the script's path).

local N = math.tointeger(tonumber(arg and arg[1] or "1")) or 1
local MOD = 1000000007
local sums = {}
local order = {}
local function add(name, v)
  if not sums[name] then sums[name] = 0; order[#order + 1] = name end
  sums[name] = (sums[name] + v) % MOD
end

-- a deterministic generator (no math.random: its seed is randomised)
local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

-- 1. Lua calls: naive recursion
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

-- 2. tables
local function tables()
  local t = {}
  for i = 1, 20000 do t[#t + 1] = rand(100000) end
  table.sort(t)
  local u = {}
  for i = 1, 5000 do table.insert(u, { key = rand(1000), id = i }) end
  table.sort(u, function(a, b)
    if a.key ~= b.key then return a.key < b.key end
    return a.id < b.id
  end)
  for _ = 1, 40 do table.remove(u, 1) end
  for i = 1, 40 do table.insert(u, 1 + i % 7, { key = i, id = -i }) end
  local h = {}
  for i = 1, 10000 do h["k" .. (i % 4096)] = (h["k" .. (i % 4096)] or 0) + i end
  local hs = 0
  for i = 0, 4095 do hs = hs + h["k" .. i] end
  local m = {}
  for i = 1, 3000 do m[i] = { i, i * 2, name = "n" .. i } end
  local ms = 0
  for _, v in ipairs(m) do ms = ms + v[1] + v[2] + #v.name end
  add("tables", t[1] + t[#t] + t[10000] + u[1].id + u[#u].key + u[2500].id + hs + ms + #table.concat(t, ",", 1, 500))
end

-- 3. strings
local function strings()
  local parts = {}
  for i = 1, 3000 do parts[#parts + 1] = string.format("%d:%s;", i, tostring(i * 7 % 13)) end
  local s = table.concat(parts)
  local r, n = s:gsub("(%d+):(%d+)", function(a, b) return b .. "=" .. a end)
  local cnt = 0
  for w in r:gmatch("(%d+)=") do cnt = cnt + #w end
  local up = r:upper():lower():reverse()
  local acc = ""
  for i = 1, 600 do acc = acc .. string.char(65 + i % 26) end
  local _, na = acc:gsub("A", "a")
  local f = 0
  for i = 1, 300 do f = f + (s:find(i .. ":", 1, true) or 0) + #string.format("%5.2f|%x|%q", i / 7, i, "a\n" .. i) end
  local bytes = 0
  for i = 1, #up, 97 do bytes = bytes + up:byte(i) end
  local words = {}
  for w in ("the quick brown fox jumps over the lazy dog "):rep(200):gmatch("%a+") do words[#words + 1] = w:sub(1, 3) end
  add("strings", #r + n + cnt + #up + na + f + bytes + #words + #s:rep(3, "-"))
end

-- 4. closures and higher-order functions
local function counter() local c = 0; return function(d) c = c + d; return c end end
local function map(t, fn) local r = {} for i = 1, #t do r[i] = fn(t[i]) end return r end
local function fold(t, fn, a) for i = 1, #t do a = fn(a, t[i]) end return a end
local function closures()
  local cs = {}
  for i = 1, 2000 do cs[i] = counter() end
  for k = 1, 10 do for i = 1, #cs do cs[i](k + i % 3) end end
  local vals = map(cs, function(fn) return fn(0) end)
  local compose = function(f, g) return function(x) return f(g(x)) end end
  local inc = function(x) return x + 1 end
  local chain = inc
  for _ = 1, 50 do chain = compose(chain, inc) end
  local c = 0
  for i = 1, 2000 do c = c + chain(i) end
  add("closures", fold(vals, function(a, b) return a + b end, 0) + c)
end

-- 5. coroutines
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local function filter(g)
  return coroutine.wrap(function()
    for v in g do if v % 3 ~= 0 then coroutine.yield(v * 2) end end
  end)
end
local function coroutines()
  local s = 0
  for v in filter(gen(20000)) do s = s + v end
  for i = 1, 1000 do
    local co = coroutine.create(function(a, b)
      local x = coroutine.yield(a + b)
      return x * 2
    end)
    local _, y = coroutine.resume(co, i, 1)
    local _, z = coroutine.resume(co, y)
    s = s + z
  end
  -- an error inside a coroutine, seen by resume
  for i = 1, 200 do
    local co = coroutine.create(function() coroutine.yield(i); error({ v = i }) end)
    coroutine.resume(co)
    local ok, e = coroutine.resume(co)
    if not ok then s = s + e.v end
  end
  add("coroutines", s)
end

-- 6. pcall and error
local function strip(m) return (tostring(m):gsub("^.-:%d+: ", "")) end
local function errors()
  local s = 0
  for i = 1, 5000 do
    local ok, v = pcall(function(x)
      if x % 2 == 0 then error({ code = x }) end
      return x
    end, i)
    if ok then s = s + v else s = s + v.code * 3 end
  end
  for i = 1, 1000 do
    local _, msg = pcall(error, "msg" .. i, 0)
    s = s + #msg
    local _, n = xpcall(function() local t = nil; return t.x end, function(m) return #strip(m) end)
    s = s + n
    local ok, e = pcall(function(a) return a + {} end, i)
    if not ok then s = s + #strip(e) end
  end
  -- nested pcalls unwinding through several levels
  local function nest(d) if d == 0 then error("bottom", 0) end return select(2, pcall(nest, d - 1)) end
  for _ = 1, 200 do s = s + #nest(20) end
  add("errors", s)
end

-- 7. metatables: a small class hierarchy, operators, __index functions
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
Vec.__add = function(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
function Vec:dot(o) return self.x * o.x + self.y * o.y end
local Vec3 = setmetatable({}, { __index = Vec })
Vec3.__index = Vec3
Vec3.__add = Vec.__add
function Vec3.new(x, y, z) local v = Vec.new(x, y); v.z = z; return setmetatable(v, Vec3) end
function Vec3:dot(o) return Vec.dot(self, o) + self.z * o.z end
local function objects()
  local s = 0
  local acc = Vec.new(0, 0)
  local vs = {}
  for i = 1, 3000 do
    local v = Vec.new(rand(100), rand(100))
    acc = acc + v
    vs[i] = v
    if v == Vec.new(50, 50) then s = s + 1 end
  end
  table.sort(vs, function(a, b) return a < b end)
  s = s + acc:dot(Vec.new(1, 2)) + #tostring(vs[1]) + #tostring(vs[#vs])
  for i = 1, 2000 do local w = Vec3.new(i, i + 1, i + 2); s = s + w:dot(w) end
  -- a chain of __index functions: each lookup recurses through C
  local base = { leaf = 1 }
  local t = base
  for _ = 1, 30 do
    local inner = t
    t = setmetatable({}, { __index = function(_, k) return inner[k] end })
  end
  for _ = 1, 500 do s = s + t.leaf end
  add("objects", s)
end

-- 8. compiling generated code: nested expressions and constructors
local function compile()
  local s = 0
  for d = 10, 90, 16 do
    local src = "return " .. ("(1 + "):rep(d) .. "1" .. (")"):rep(d)
    s = s + assert(load(src))()
    local tsrc = "return " .. ("{"):rep(d) .. "42" .. ("}"):rep(d)
    local t = assert(load(tsrc))()
    local depth = 0
    while type(t) == "table" do t = t[1]; depth = depth + 1 end
    s = s + depth + t
  end
  local fns = {}
  for i = 1, 50 do
    fns[#fns + 1] = string.format("local function f%d(a, b) local c = a * %d + b if c > %d then return c - 1 else return c + 1 end end", i, i, i * 10)
  end
  fns[#fns + 1] = "return f1(2, 3) + f50(4, 5)"
  local chunk = table.concat(fns, "\n")
  for _ = 1, 40 do s = s + assert(load(chunk))() end
  add("compile", s)
end

local sections = {
  { "fib", function() add("fib", fib(24)) end }, { "tables", tables }, { "strings", strings },
  { "closures", closures }, { "coroutines", coroutines }, { "errors", errors }, { "objects", objects },
  { "compile", compile },
}
local only = arg and arg[2]
for _ = 1, N do
  for _, s in ipairs(sections) do
    if not only or only == s[1] then s[2]() end
  end
  collectgarbage("step")
end
for _, name in ipairs(order) do print(name, sums[name]) end
