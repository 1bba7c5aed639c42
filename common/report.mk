# common/report.mk - the one rule that turns an assignment's Markdown into a report.
#
# Use it from an assignment directory:
#
#   $(MAKE) -f ../common/report.mk DOC=README.md [TITLE='...'] [TOC=1] [OUT=report]
#
# This writes $(OUT).html (self-contained: images, CSS and all inlined) and
# $(OUT).pdf (pandoc + pdflatex) next to the document.  Images are looked up
# relative to the document first, then relative to the current directory.
#
# The title is TITLE if it is given.  Otherwise it is the document's own YAML
# title, or else its first level-1 heading.  When that heading opens the
# document and is the only level-1 heading, it is promoted to the title, so it
# does not appear twice, and the other headings move up one level.
#
# In the PDF, code lines longer than CODE_WIDTH characters (fewer in lists)
# are wrapped at a blank or after _ / . , = : ; (never mid-word), and
# continuation lines start with ">> "; a command (a sh block) must fit as
# written, broken with "\" in the document: report-test fails it otherwise.  report-layout.lua
# sizes every table's columns from its contents (wrapping cells, narrower
# gaps or a smaller font only where the table would not fit) and lets long
# code and identifiers break after _ / . , so that no word runs into the
# margin; common/report-margins checks that (test "reports").
# A link to another assignment's README.md points at its report of the same
# format (report-links.lua).
# A few common Unicode symbols (arrows, <=, >=, check marks, box drawing) are
# mapped to LaTeX so that pdflatex accepts them.

COMMON     := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
DOC        ?= README.md
OUT        ?= report
TITLE      ?=
TOC        ?= 0
CODE_WIDTH ?= 100
# The page's margin on every side; report-margins reads it from here.
PDF_MARGIN ?= 2cm
PANDOC     ?= pandoc

DOCDIR     := $(patsubst %/,%,$(dir $(DOC)))
# Images the document may reference; a change to one rebuilds the report.
REPORT_IMAGES := $(wildcard $(addprefix $(DOCDIR)/,*.png *.jpg *.jpeg *.svg))

ifeq ($(wildcard $(DOC)),)
$(error report: $(DOC) not found (run from the assignment directory, set DOC=...))
endif

.PHONY: report report-deps
.DELETE_ON_ERROR:

report: $(OUT).html $(OUT).pdf

report-deps:
	@$(COMMON)/deps report

# Pandoc options shared by both outputs: the title and the resource path.
# This runs in the recipe's shell and sets the positional parameters.
define report_title_args
doc='$(DOC)'; title='$(subst ','\'',$(TITLE))'; \
[ -f "$$doc" ] || { echo "report: $$doc not found (set DOC=...)" >&2; exit 1; }; \
set -- --resource-path="$(DOCDIR):." --from=markdown; \
if [ -n "$$title" ]; then \
	set -- "$$@" --metadata "title=$$title"; \
elif head -n 1 "$$doc" | grep -q '^---[[:space:]]*$$' && \
     sed -n '2,/^\(---\|\.\.\.\)[[:space:]]*$$/p' "$$doc" | grep -q '^title:'; then \
	:; \
else \
	h1s=$$(awk '/^(```|~~~)/ { f = !f } !f && /^# / { n++ } END { print n + 0 }' "$$doc"); \
	first=$$(awk 'NF { print; exit }' "$$doc"); \
	h1=$$(awk '/^(```|~~~)/ { f = !f } !f && /^# / { sub(/^# +/, ""); sub(/[ \t]+#+[ \t]*$$/, ""); print; exit }' "$$doc"); \
	case $$first in \
	"# "*) [ "$$h1s" = 1 ] && set -- "$$@" --shift-heading-level-by=-1 || set -- "$$@" --metadata "title=$$h1" ;; \
	*) set -- "$$@" --metadata "title=$${h1:-$$(basename "$$doc" .md)}" ;; \
	esac; \
fi
endef

# Extra CSS for the HTML: a wider page than pandoc's 36em, scrolling code.
define REPORT_CSS
<style>
body { max-width: 60em; }
pre { overflow-x: auto; }
table { display: block; overflow-x: auto; }
img { max-width: 100%; }
</style>
endef
export REPORT_CSS

# LaTeX preamble additions for the PDF.
define REPORT_PREAMBLE
\usepackage{fancyvrb}
\fvset{fontsize=\small}
\RecustomVerbatimEnvironment{verbatim}{Verbatim}{fontsize=\small}
\DeclareUnicodeCharacter{2192}{\ensuremath{\rightarrow}}
\DeclareUnicodeCharacter{2190}{\ensuremath{\leftarrow}}
\DeclareUnicodeCharacter{2194}{\ensuremath{\leftrightarrow}}
\DeclareUnicodeCharacter{21D2}{\ensuremath{\Rightarrow}}
\DeclareUnicodeCharacter{21AA}{\ensuremath{\hookrightarrow}}
\DeclareUnicodeCharacter{2264}{\ensuremath{\leq}}
\DeclareUnicodeCharacter{2265}{\ensuremath{\geq}}
\DeclareUnicodeCharacter{2260}{\ensuremath{\neq}}
\DeclareUnicodeCharacter{2248}{\ensuremath{\approx}}
\DeclareUnicodeCharacter{2212}{\ensuremath{-}}
\DeclareUnicodeCharacter{2713}{\ensuremath{\checkmark}}
\DeclareUnicodeCharacter{2714}{\ensuremath{\checkmark}}
\DeclareUnicodeCharacter{2717}{\ensuremath{\times}}
\DeclareUnicodeCharacter{2718}{\ensuremath{\times}}
\DeclareUnicodeCharacter{2500}{-}
\DeclareUnicodeCharacter{2502}{|}
\DeclareUnicodeCharacter{250C}{+}
\DeclareUnicodeCharacter{2510}{+}
\DeclareUnicodeCharacter{2514}{`}
\DeclareUnicodeCharacter{2518}{+}
\DeclareUnicodeCharacter{251C}{|}
\DeclareUnicodeCharacter{2524}{|}
\DeclareUnicodeCharacter{252C}{+}
\DeclareUnicodeCharacter{2534}{+}
\DeclareUnicodeCharacter{253C}{+}
endef
export REPORT_PREAMBLE

# Lua filter for the PDF: hard-wrap code lines wider than CODE_WIDTH.
define REPORT_WRAP_LUA
local width = tonumber(os.getenv("REPORT_CODE_WIDTH") or "") or 100
local mark = ">> "

local function chars(s)
  local t = {}
  for _, c in utf8.codes(s) do
    t[#t + 1] = utf8.char(c)
  end
  return t
end

local function wrap(line, out)
  local ok, n = pcall(utf8.len, line)
  if not ok or not n or n <= width then
    out[#out + 1] = line
    return
  end
  local c = chars(line)
  local i, w = 1, width
  while i <= #c do
    local j = math.min(#c, i + w - 1)
    -- Never mid-word: after the last blank that leaves at least half a
    -- line, else after the last _ / . , = : ;, else (one long word) at
    -- the width.
    if j < #c then
      for _, set in ipairs({ "%s", "[_/%.,=:;]" }) do
        local k = j
        while k > i + w // 2 and not c[k]:match(set) do
          k = k - 1
        end
        if c[k]:match(set) then
          j = k
          break
        end
      end
    end
    local piece = table.concat(c, "", i, j)
    out[#out + 1] = (i == 1) and piece or (mark .. piece)
    i = j + 1
    w = width - #mark
  end
end

local function wrap_block(el, w)
  local out, saved = {}, width
  width = w
  for line in (el.text .. "\n"):gmatch("(.-)\n") do
    wrap(line, out)
  end
  width = saved
  el.text = table.concat(out, "\n")
  return el
end

-- A list or quote indents its code by about 6 characters per level.
local function walk(blocks, w)
  local out = {}
  for i, b in ipairs(blocks) do
    if b.t == "CodeBlock" then
      b = wrap_block(b, w)
    elseif b.t == "BulletList" or b.t == "OrderedList" then
      local items = {}
      for j, item in ipairs(b.content) do
        items[j] = walk(item, w - 6)
      end
      b.content = items
    elseif b.t == "BlockQuote" then
      b.content = walk(b.content, w - 6)
    elseif b.t == "Div" then
      b.content = walk(b.content, w)
    end
    out[i] = b
  end
  return out
end

function Pandoc(doc)
  doc.blocks = walk(doc.blocks, width)
  return doc
end
endef
export REPORT_WRAP_LUA

$(OUT).html: $(DOC) $(REPORT_IMAGES) $(lastword $(MAKEFILE_LIST)) $(COMMON)/report-links.lua | report-deps
	@echo "report: building $@ from $(DOC)"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(report_title_args); \
	if $(PANDOC) --help | grep -q -- '--embed-resources'; then \
		self="--embed-resources --standalone"; \
	else \
		self="--self-contained"; \
	fi; \
	if [ "$(TOC)" = 1 ]; then set -- "$$@" --toc; fi; \
	printf '%s\n' "$$REPORT_CSS" >"$$tmp/style.html"; \
	$(PANDOC) "$$@" $$self --to=html5 --include-in-header="$$tmp/style.html" \
		--lua-filter="$(COMMON)/report-links.lua" \
		-o "$$tmp/out.html" "$(DOC)" && mv "$$tmp/out.html" "$@"

# microtype's protrusion would push punctuation ~2pt into the margin, which
# report-margins (rightly strict) would count as outside the text area.
$(OUT).pdf: $(DOC) $(REPORT_IMAGES) $(lastword $(MAKEFILE_LIST)) $(COMMON)/report-layout.lua $(COMMON)/report-links.lua | report-deps
	@echo "report: building $@ from $(DOC)"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(report_title_args); \
	if [ "$(TOC)" = 1 ]; then set -- "$$@" --toc; fi; \
	printf '%s\n' "$$REPORT_PREAMBLE" >"$$tmp/preamble.tex"; \
	printf '%s\n' "$$REPORT_WRAP_LUA" >"$$tmp/wrap.lua"; \
	REPORT_CODE_WIDTH=$(CODE_WIDTH) REPORT_MARGIN=$(PDF_MARGIN) $(PANDOC) "$$@" --to=latex --pdf-engine=pdflatex \
		--lua-filter="$$tmp/wrap.lua" --lua-filter="$(COMMON)/report-layout.lua" \
		--lua-filter="$(COMMON)/report-links.lua" \
		--include-in-header="$$tmp/preamble.tex" \
		-V papersize=a4 -V geometry:margin=$(PDF_MARGIN) -V fontsize=10pt -V colorlinks=true \
		-V microtypeoptions=protrusion=false \
		-o "$$tmp/out.pdf" "$(DOC)" && mv "$$tmp/out.pdf" "$@"
