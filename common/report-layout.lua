-- report-layout.lua: pandoc Lua filter that keeps report.mk's PDF inside
-- its margins (pandoc 2.17 and later).
--
-- * Long inline code, and long words with _ or /, get break points after
--   those characters: LaTeX never breaks \texttt or a word with \_ itself.
-- * Every table is laid out from its contents: natural column widths when
--   the table fits the text width, else only the widest columns wrap, each
--   column at least as wide as its longest unbreakable piece.  Narrower
--   gaps between columns, then a smaller font, keep short columns (names,
--   numbers) from wrapping and long pieces inside the page.  Pandoc would
--   otherwise take the widths from the dashes of the Markdown separator
--   line, and let long words run over the next column.
--
-- Widths are estimated from Latin Modern's glyph widths at 10pt;
-- common/report-margins checks the result.

local BREAK = "\\allowbreak{}"
local PAPER = 597.5 -- pt, A4 width

local function tex_pt(s)
  local n, unit = (s or ""):match("^%s*([%d.]+)%s*(%a+)%s*$")
  local per = { pt = 1, bp = 72.27 / 72, mm = 72.27 / 25.4, cm = 72.27 / 2.54, ["in"] = 72.27 }
  if not n or not per[unit] then
    return nil
  end
  return tonumber(n) * per[unit]
end

local TEXTWIDTH = PAPER - 2 * (tex_pt(os.getenv("REPORT_MARGIN")) or tex_pt("2cm"))

-- Break points: after these characters, in pieces of at least 3 characters,
-- in words of at least MINLEN characters.
local CODE_BREAKS = "_/.,=;:-{"
local WORD_BREAKS = "_/"
local MINLEN = 16

local function pieces(s, chars)
  if utf8.len(s) == nil or utf8.len(s) < MINLEN then
    return nil
  end
  local out, start = {}, 1
  for i = 1, #s - 3 do -- byte-wise: the break characters are ASCII
    if i - start >= 2 and chars:find(s:sub(i, i), 1, true) then
      out[#out + 1] = s:sub(start, i)
      start = i + 1
    end
  end
  if start == 1 then
    return nil
  end
  out[#out + 1] = s:sub(start)
  return out
end

local function breakable(make, text, chars)
  local p = pieces(text, chars)
  if not p then
    return nil
  end
  local out = {}
  for i, s in ipairs(p) do
    if i > 1 then
      out[#out + 1] = pandoc.RawInline("latex", BREAK)
    end
    out[#out + 1] = make(s)
  end
  return out
end

-- T1 fonts join << and >> into guillemets; an empty group keeps them apart.
local function no_guillemets(el)
  local s = el.text
  if not s:find("[<>][<>]") then
    return nil
  end
  local out, start = {}, 1
  for i = 1, #s - 1 do
    if s:sub(i, i):find("[<>]") and s:sub(i + 1, i + 1):find("[<>]") then
      out[#out + 1] = pandoc.Str(s:sub(start, i))
      out[#out + 1] = pandoc.RawInline("latex", "{}")
      start = i + 1
    end
  end
  out[#out + 1] = pandoc.Str(s:sub(start))
  return out
end

local add_breaks = {
  Code = function(el)
    return breakable(function(s) return pandoc.Code(s, el.attr) end, el.text, CODE_BREAKS)
  end,
  Str = function(el)
    return breakable(pandoc.Str, el.text, WORD_BREAKS)
  end,
}

-- Not in headings: their text also goes into PDF bookmarks.
local function with_breaks(el)
  return el:walk(add_breaks)
end

-- Glyph widths (pt) of Latin Modern Roman 10pt; typewriter is 5.25 each.
local LOWER = { 5.0, 5.56, 4.44, 5.56, 4.44, 3.06, 5.0, 5.56, 2.78, 3.06, 5.28, 2.78, 8.33,
  5.56, 5.0, 5.56, 5.28, 3.92, 3.94, 3.89, 5.56, 5.28, 7.22, 5.28, 5.28, 4.44 }
local UPPER = { 7.5, 7.08, 7.22, 7.64, 6.81, 6.53, 7.85, 7.5, 3.61, 5.14, 7.78, 6.25, 9.17,
  7.5, 7.78, 6.81, 7.78, 7.36, 5.56, 7.22, 7.5, 7.5, 10.28, 7.5, 7.5, 6.11 }
local PUNCT = { ["."] = 2.78, [","] = 2.78, [";"] = 2.78, [":"] = 2.78, ["!"] = 2.78,
  ["'"] = 2.78, ["("] = 3.89, [")"] = 3.89, ["["] = 2.78, ["]"] = 2.78, ["-"] = 3.33,
  ["="] = 7.78, ["+"] = 7.78, ["<"] = 7.78, [">"] = 7.78, ["%"] = 8.33, ["#"] = 8.33,
  ["&"] = 7.78, ["|"] = 2.78, [" "] = 3.33 }

local function glyph(c, font)
  if font == "tt" then
    return 5.25
  end
  local b, w = c:byte(), 5.0
  if #c > 1 then
    w = 7.0 -- arrows, relations, dashes: mostly wider than a letter
  elseif b >= 97 and b <= 122 then
    w = LOWER[b - 96]
  elseif b >= 65 and b <= 90 then
    w = UPPER[b - 64]
  elseif PUNCT[c] then
    w = PUNCT[c]
  end
  return font == "bf" and w * 1.15 or w
end

-- Width of a cell on one line, and of its widest piece that cannot break.
local function measure(blocks)
  local line, word, natural, widest = 0, 0, 0, 0
  local function brk()
    widest = math.max(widest, word)
    word = 0
  end
  local function newline()
    brk()
    natural = math.max(natural, line)
    line = 0
  end
  local function text(s, font)
    for _, code in utf8.codes(s) do
      local c = utf8.char(code)
      local w = glyph(c, font)
      line = line + w
      if c == " " then
        brk()
      else
        word = word + w
      end
    end
  end
  local function inlines(ils, font)
    for _, il in ipairs(ils) do
      local t = il.t
      if t == "Str" or t == "Math" then
        text(il.text, font)
      elseif t == "Code" then
        text(il.text, "tt")
      elseif t == "Space" or t == "SoftBreak" then
        brk()
        line = line + 3.33
      elseif t == "LineBreak" then
        newline()
      elseif t == "RawInline" then
        if il.text == BREAK then
          brk()
        end
      elseif t == "Strong" then
        inlines(il.content, "bf")
      elseif il.content then
        inlines(il.content, font)
      end
    end
  end
  for _, b in ipairs(blocks) do
    if b.t == "Plain" or b.t == "Para" then
      inlines(b.content, "rm")
    else
      text(pandoc.utils.stringify(b), "rm")
    end
    newline()
  end
  return natural, widest
end

-- How a table may be set, in order of preference: width factor of the font
-- (9, 8 and 7pt Latin Modern are cut wider than 10pt scaled down), its size
-- command, and the space between columns (pt, twice per gap; LaTeX: 6).
local STYLES = {
  { 1.0, nil, 6 },
  { 1.0, nil, 4 },
  { 0.92, "small", 4 },
  { 0.84, "footnotesize", 3 },
  { 0.77, "scriptsize", 2 },
}

-- w[i] = max(base[i], min(target[i], C)) for the largest C that fits avail:
-- a browser's table layout, except that only the widest columns wrap.
local function fill(base, target, avail)
  local n, lo, hi = #base, 0, 0
  for i = 1, n do
    hi = math.max(hi, target[i])
  end
  local function w(i, cap)
    return math.max(base[i], math.min(target[i], cap))
  end
  for _ = 1, 40 do
    local cap, sum = (lo + hi) / 2, 0
    for i = 1, n do
      sum = sum + w(i, cap)
    end
    if sum > avail then
      hi = cap
    else
      lo = cap
    end
  end
  local out = {}
  for i = 1, n do
    out[i] = w(i, lo)
  end
  return out
end

local function sum(t)
  local s = 0
  for _, v in ipairs(t) do
    s = s + v
  end
  return s
end

function Table(el)
  local n = #el.colspecs
  -- natural: one line per cell; body: the same without the header row,
  -- which may wrap first; widest: the widest piece that cannot break.
  local natural, body, widest = {}, {}, {}
  for i = 1, n do
    natural[i], body[i], widest[i] = 0, 0, 0
  end
  local function rows(rs, head)
    for _, row in ipairs(rs) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        if cell.col_span == 1 and col <= n then
          local nat, wid = measure(cell.contents)
          natural[col] = math.max(natural[col], nat)
          widest[col] = math.max(widest[col], wid)
          if not head then
            body[col] = math.max(body[col], nat)
          end
        end
        col = col + cell.col_span
      end
    end
  end
  rows(el.head.rows, true)
  for _, b in ipairs(el.bodies) do
    rows(b.head, true)
    rows(b.body)
  end
  rows(el.foot.rows)

  -- Widths at a style, 5% added for the estimate's error.  pandoc sets the
  -- columns in \columnwidth less the space between them.
  local function at(style, t)
    local out = {}
    for i = 1, n do
      out[i] = t[i] * 1.05 * style[1]
    end
    return out
  end
  local function avail(style)
    return TEXTWIDTH - 2 * (n - 1) * style[3]
  end
  -- A short column (names, numbers) should not wrap; a long one may.
  local function need(style)
    local w, b, out = at(style, widest), at(style, body), {}
    for i = 1, n do
      out[i] = b[i] <= 0.35 * avail(style) and math.max(w[i], b[i]) or w[i]
    end
    return out
  end

  for i = 1, n do
    el.colspecs[i] = { el.colspecs[i][1], nil }
  end
  local style, wrap = nil, true
  for _, s in ipairs(STYLES) do
    if not s[2] and sum(at(s, natural)) <= avail(s) then
      style, wrap = s, false
      break
    end
  end
  for _, s in ipairs(style and {} or STYLES) do
    if sum(need(s)) <= avail(s) then
      style = s
      break
    end
  end
  for _, s in ipairs(style and {} or STYLES) do
    if sum(at(s, widest)) <= avail(s) then
      style = s
      break
    end
  end
  style = style or STYLES[#STYLES]

  if wrap then
    -- Short columns whole, then the body, then what is left for the header.
    local a = avail(style)
    local w = fill(at(style, widest), need(style), a)
    w = fill(w, at(style, body), a)
    w = fill(w, at(style, natural), a)
    for i = 1, n do
      el.colspecs[i] = { el.colspecs[i][1], math.min(1, w[i] / a) }
    end
  end
  if style == STYLES[1] then
    return el
  end
  return {
    pandoc.RawBlock("latex", "\\begingroup" .. (style[2] and "\\" .. style[2] or "")
      .. "\\setlength{\\tabcolsep}{" .. style[3] .. "pt}"),
    el,
    pandoc.RawBlock("latex", "\\endgroup"),
  }
end

return {
  { Str = no_guillemets },
  { Para = with_breaks, Plain = with_breaks },
  { Table = Table },
}
