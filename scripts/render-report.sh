#!/usr/bin/env bash
# Renders a report of `hourglass lab storm` in headless Chromium and checks that its charts are drawn.
#
#   scripts/render-report.sh REPORT.html OUT.png
#
# Writes a PNG screenshot of the report to OUT.png (window 1400x1500; RENDER_WINDOW=W,H changes it), then checks:
#   - the DOM as Chromium built it (--dump-dom): at least one policy panel, each with two SVG charts
#     (data-kind sockets and connections), each chart with polylines of at least 2 points inside its viewBox;
#   - the screenshot: a PNG of the window's size that is not blank (many non-white pixels, and coloured
#     ones, which only the chart lines and legend swatches draw);
#   - the layout at the window's width, measured by Chromium (the report in an iframe that wide, with a
#     probe script around it; the report itself has no script): no two pieces of text overlap (chart ticks,
#     axis titles, the load-stop label, headings, legends, paragraphs, the table), each chart's text lies
#     inside its chart and shows 10.5 to 20 px high, a chart's heading keeps clear of the legend above it,
#     and nothing is wider than the window.
# Uses $CHROMIUM, else `chromium` from PATH; when neither exists it installs Debian's chromium package with
# apt-get (needs root or sudo). Each Chromium run is limited to 60 s. Exit 0 when every check passes; 1 with
# one line naming the failed check otherwise; 2 for bad arguments.
set -euo pipefail

me=render-report
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: scripts/render-report.sh REPORT.html OUT.png" >&2; exit 2; }
report=$1
out=$2
[ -f "$report" ] || { echo "$me: no such report: $report" >&2; exit 2; }
command -v python3 >/dev/null || die "python3 is needed for the checks"
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
window=${RENDER_WINDOW:-1400,1500}
[[ $window =~ ^[0-9]+,[0-9]+$ ]] || { echo "$me: RENDER_WINDOW must be W,H, got '$window'" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- Chromium: use the one there is, or install Debian's ---------------------------------------------------
chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
  chromium=$(command -v chromium || true)
fi
if [ -z "$chromium" ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"
  else die "chromium is not installed and installing it needs root: apt-get install chromium"
  fi
  command -v apt-get >/dev/null || die "chromium is not installed and there is no apt-get to install it"
  echo "$me: installing Debian's chromium package with apt-get (once; a few minutes)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # Without a fresh package list first; when that fails (no list, or a stale one), update and retry.
  if ! $sudo apt-get install -y -qq --no-install-recommends chromium >"$tmp/apt.log" 2>&1; then
    if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium; } \
        >>"$tmp/apt.log" 2>&1; then
      tail -20 "$tmp/apt.log" >&2
      die "apt-get install chromium failed (output above)"
    fi
  fi
  chromium=$(command -v chromium || true)
  [ -n "$chromium" ] || die "apt-get installed chromium but there is no chromium command on PATH"
fi

# The flags a root user in a container needs, and nothing that talks to the network.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars
       --force-device-scale-factor=1 "--window-size=$window")

chrome() {   # chrome LOG ARGS...: one Chromium run with a fresh profile, at most 60 s
  local log=$1; shift
  local profile; profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout -k 5 60 "$chromium" "${flags[@]}" "--user-data-dir=$profile" "$@" 2>"$log"
}

# One run takes the screenshot and dumps the DOM Chromium built (stdout) after loading the page.
rm -f "$out"
if ! chrome "$tmp/chromium.log" "--screenshot=$out" --dump-dom "file://$report" >"$tmp/dom.html"; then
  tail -10 "$tmp/chromium.log" >&2
  die "chromium failed or timed out (its last lines above)"
fi
[ -s "$out" ] || { tail -10 "$tmp/chromium.log" >&2; die "chromium wrote no screenshot to $out"; }

# A second run measures the layout. Chromium lays a headless window out at least 500 px wide when the page
# loads (it narrows it only for the screenshot), so the report is measured in an iframe of the window's width,
# by a probe script in the page around it (the report itself has no script); the probe writes what it finds
# into the DOM that Chromium dumps.
python3 - "$report" "$tmp/probe.html" "$window" <<'PY'
import html, sys
report = open(sys.argv[1], encoding="utf-8").read()
w, h = sys.argv[3].split(",")
probe = r"""<script>
window.addEventListener("load", function () {
  var doc = document.getElementById("report").contentDocument;
  var out = {texts: 0, width: doc.documentElement.scrollWidth, problems: []};
  function box(e) { var r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; }
  function name(e) {
    var t = (e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    var p = e.closest(".panel");
    return (p ? p.id + " " : "") + e.tagName.toLowerCase() + " '" + t + "'";
  }
  var texts = Array.prototype.slice.call(doc.querySelectorAll(
      "h1, h2, h3, p, table, footer, dl, ul.legend li, figcaption > span, svg.chart text"));
  out.texts = texts.length;
  var boxes = texts.map(box);
  for (var i = 0; i < texts.length; i++) {
    for (var j = i + 1; j < texts.length; j++) {
      if (texts[i].contains(texts[j]) || texts[j].contains(texts[i])) continue;
      var a = boxes[i], b = boxes[j];
      var w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 1 && h > 1) out.problems.push("overlap: " + name(texts[i]) + " and " + name(texts[j]) +
          " (" + Math.round(w) + "x" + Math.round(h) + " px)");
    }
  }
  out.px = [1000, 0];
  doc.querySelectorAll("svg.chart").forEach(function (svg) {
    var s = box(svg);
    var scale = svg.getScreenCTM().a;
    svg.querySelectorAll("text").forEach(function (t) {
      var b = box(t);
      if (b.l < s.l - 1 || b.r > s.r + 1 || b.t < s.t - 1 || b.b > s.b + 1) out.problems.push("outside its chart: " + name(t));
      // The size the reader sees: the font size in the SVG's units times the SVG's scale on the screen.
      var px = parseFloat(doc.defaultView.getComputedStyle(t).fontSize) * scale;
      out.px = [Math.min(out.px[0], px), Math.max(out.px[1], px)];
      if (px < 10.5 || px > 20) out.problems.push("text " + px.toFixed(1) + " px high (10.5 to 20 reads well): " + name(t));
    });
  });
  doc.querySelectorAll(".panel figure + figure").forEach(function (f) {
    var above = f.previousElementSibling.querySelector("ul.legend") || f.previousElementSibling;
    var gap = box(f.querySelector("figcaption")).t - box(above).b;
    if (gap < 12) out.problems.push("heading too close to the legend above it: " + name(f.querySelector("h3")) +
        " (" + Math.round(gap) + " px)");
  });
  var pre = document.createElement("pre");
  pre.id = "layout-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""
page = ('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">'
        '<iframe id="report" style="border:0;width:%spx;height:%spx" srcdoc="%s"></iframe>%s</body></html>'
        % (w, h, html.escape(report, quote=True), probe))
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY
if ! chrome "$tmp/probe.log" --dump-dom "file://$tmp/probe.html" >"$tmp/probe-dom.html"; then
  tail -10 "$tmp/probe.log" >&2
  die "chromium failed or timed out measuring the layout (its last lines above)"
fi

# --- Checks ---------------------------------------------------------------------------------------------------
python3 - "$tmp/dom.html" "$out" "$window" "$tmp/probe-dom.html" <<'PY'
import math, struct, sys, zlib
from html.parser import HTMLParser

dom_file, png_file, window, probe_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
want_w, want_h = (int(v) for v in window.split(","))

def fail(msg):
    print("render-report: " + msg, file=sys.stderr)
    sys.exit(1)

# The DOM: panels, their charts, the charts' polylines.
class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []          # (tag, panel or None) of open elements
        self.panels = []         # [id, [charts]]
        self.chart = None        # the open chart: {"kind", "box", "lines": [(name, points)]}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div" and "panel" in classes:
            self.panels.append([a.get("id", "?"), []])
            self.stack.append((tag, "panel"))
            return
        if tag == "svg" and "chart" in classes:
            box = [float(v) for v in (a.get("viewbox") or "0 0 0 0").split()]
            self.chart = {"kind": a.get("data-kind", "?"), "box": box, "lines": []}
            if self.panels and any(k == "panel" for _, k in self.stack):
                self.panels[-1][1].append(self.chart)
            self.stack.append((tag, "chart"))
            return
        if tag == "polyline" and "series" in classes and self.chart is not None:
            self.chart["lines"].append((a.get("data-series", "?"), a.get("points") or ""))
        if tag not in ("polyline", "line", "br", "meta", "img", "input", "hr", "rect", "path", "circle"):
            self.stack.append((tag, None))
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)
    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                popped = self.stack[i:]
                del self.stack[i:]
                if any(k == "chart" for _, k in popped):
                    self.chart = None
                return

with open(dom_file, encoding="utf-8", errors="replace") as f:
    dom_text = f.read()
if "<svg" not in dom_text:
    fail("the DOM Chromium dumped has no <svg> at all (%d bytes): not a storm report?" % len(dom_text))
d = Dom()
d.feed(dom_text)
d.close()
if not d.panels:
    fail("no <div class=\"panel\"> in the rendered DOM")
lines_total = 0
for pid, charts in d.panels:
    kinds = sorted(c["kind"] for c in charts)
    if kinds != ["connections", "sockets"]:
        fail("%s: expected 2 charts (sockets, connections), found %d %s" % (pid, len(charts), kinds))
    for c in charts:
        if len(c["box"]) != 4 or c["box"][2] <= 0 or c["box"][3] <= 0:
            fail("%s %s chart: no usable viewBox" % (pid, c["kind"]))
        x0, y0, w, h = c["box"]
        if not c["lines"]:
            fail("%s %s chart: no polyline" % (pid, c["kind"]))
        for name, pts in c["lines"]:
            coords = []
            for p in pts.split():
                try:
                    x, y = (float(v) for v in p.split(","))
                except ValueError:
                    fail("%s %s chart, series '%s': bad point '%s'" % (pid, c["kind"], name, p))
                if not (math.isfinite(x) and math.isfinite(y)) \
                        or not (x0 - 1 <= x <= x0 + w + 1 and y0 - 1 <= y <= y0 + h + 1):
                    fail("%s %s chart, series '%s': point %s outside the chart" % (pid, c["kind"], name, p))
                coords.append((x, y))
            if len(coords) < 2:
                fail("%s %s chart, series '%s': %d point(s), a line needs at least 2" % (pid, c["kind"], name, len(coords)))
            lines_total += 1
    print("render-report: %s: 2 charts, %d lines, %d points each" % (
        pid, sum(len(c["lines"]) for c in charts), min(len(p.split()) for c in charts for _, p in c["lines"])))

# The screenshot: decode the PNG (8-bit RGB or RGBA, not interlaced) with zlib, no imaging library.
with open(png_file, "rb") as f:
    data = f.read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail("%s is not a PNG" % png_file)
pos, idat, hdr = 8, [], None
while pos + 8 <= len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat.append(body)
    elif kind == b"IEND":
        break
    pos += 12 + n
if hdr is None:
    fail("the screenshot has no IHDR chunk")
w, h, depth, ctype, _, _, interlace = hdr
if (w, h) != (want_w, want_h):
    fail("the screenshot is %dx%d, expected the window's %dx%d" % (w, h, want_w, want_h))
if depth != 8 or ctype not in (2, 6) or interlace:
    fail("cannot check a PNG with bit depth %d, colour type %d, interlace %d" % (depth, ctype, interlace))
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(idat))
stride = w * bpp
if len(raw) != h * (stride + 1):
    fail("the screenshot's pixel data has %d bytes, expected %d" % (len(raw), h * (stride + 1)))
prev = bytearray(stride)
LOW7 = int.from_bytes(b"\x7f" * stride, "big")
HIGH1 = int.from_bytes(b"\x80" * stride, "big")
DARK = bytes(1 if v < 235 else 0 for v in range(256))
nonwhite = coloured = 0
for row in range(h):
    ft = raw[row * (stride + 1)]
    cur = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
    if ft == 1:
        for i in range(bpp, stride):
            cur[i] = (cur[i] + cur[i - bpp]) & 255
    elif ft == 2:
        # Bytewise addition mod 256 of two whole rows at once (SIMD within a big integer).
        x, y = int.from_bytes(cur, "big"), int.from_bytes(prev, "big")
        cur = bytearray((((x & LOW7) + (y & LOW7)) ^ ((x ^ y) & HIGH1)).to_bytes(stride, "big"))
    elif ft == 3:
        for i in range(stride):
            left = cur[i - bpp] if i >= bpp else 0
            cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 255
    elif ft == 4:
        for i in range(bpp):
            cur[i] = (cur[i] + prev[i]) & 255
        for i in range(bpp, stride):
            a = cur[i - bpp]
            b = prev[i]
            c = prev[i - bpp]
            pa = b - c
            pb = a - c
            pc = pa + pb
            if pa < 0: pa = -pa
            if pb < 0: pb = -pb
            if pc < 0: pc = -pc
            cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    elif ft != 0:
        fail("the screenshot has an unknown PNG filter %d in row %d" % (ft, row))
    # Non-white: some channel under 235. Found for the whole row at once with big-integer masks, then only
    # those pixels are looked at one by one for colour (channels far apart; grey text and borders are not).
    r, g, b = bytes(cur[0::bpp]), bytes(cur[1::bpp]), bytes(cur[2::bpp])
    mask = 0
    for ch in (r, g, b):
        mask |= int.from_bytes(ch.translate(DARK), "big")
    if mask:
        hits = mask.to_bytes(w, "big")
        x = hits.find(1)
        while x >= 0:
            nonwhite += 1
            if max(r[x], g[x], b[x]) - min(r[x], g[x], b[x]) > 60:
                coloured += 1
            x = hits.find(1, x + 1)
    prev = cur
# The layout, as the probe measured it.
import html as htmllib, json, re
with open(probe_file, encoding="utf-8", errors="replace") as f:
    m = re.search(r'<pre id="layout-probe">(.*?)</pre>', f.read(), re.S)
if not m:
    fail("the layout probe left no result in the DOM (did the page's load event run?)")
probe = json.loads(htmllib.unescape(m.group(1)))
if probe["width"] > want_w:
    probe["problems"].append("wider than the window: %d px for %d" % (probe["width"], want_w))
if probe["problems"]:
    for p in probe["problems"][:20]:
        print("render-report: " + p, file=sys.stderr)
    fail("layout at %s px wide: %d problem(s), the first above" % (want_w, len(probe["problems"])))
print("render-report: layout at %d px wide: %d pieces of text, none overlapping, chart text %.1f to %.1f px, "
      "nothing wider than the window" % (want_w, probe["texts"], probe["px"][0], probe["px"][1]))

total = w * h
print("render-report: screenshot %dx%d: %.1f%% non-white pixels, %d coloured" % (w, h, 100.0 * nonwhite / total, coloured))
if nonwhite < total * 0.01:
    fail("the screenshot is blank: only %d of %d pixels are not white" % (nonwhite, total))
if coloured < 500 * len(d.panels):
    fail("the screenshot shows almost no chart lines: %d coloured pixels for %d panel(s)" % (coloured, len(d.panels)))
PY
echo "$me: ok: $out"
