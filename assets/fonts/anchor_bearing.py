"""Post-process the subset fonts so plotters' bitmap text has correct spacing.

plotters 0.3.7 (ab_glyph backend) places each glyph's bitmap at the pen
position, ignoring the left side bearing, because it positions glyphs by
their ink bounding box. We add to every glyph with a positive left bearing a
zero-area contour (three coincident points) at x = 0, y = yMin: the ink box
then starts at the origin, so the bearing is kept, while real renderers
(browsers, FreeType) draw nothing for it. Composite glyphs are decomposed
first. The hmtx left side bearing is set to the new xMin (0): outlines and
advance widths are unchanged, so the metrics are identical.

Usage: python3 anchor_bearing.py OMLSans.ttf OMLSans-Bold.ttf  (in place)
"""
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.ttGlyphPen import TTGlyphPen

for path in sys.argv[1:]:
    font = TTFont(path)
    glyf, hmtx = font["glyf"], font["hmtx"]
    gs = font.getGlyphSet()
    for name in font.getGlyphOrder():
        g = glyf[name]
        if g.isComposite():
            pen = TTGlyphPen(gs)
            gs[name].draw(pen)
            glyf[name] = g = pen.glyph()
        if g.numberOfContours <= 0:
            continue
        g.recalcBounds(glyf)
        if g.xMin <= 0:
            continue
        y = g.yMin
        pen = TTGlyphPen(gs)
        g.draw(pen, glyf)
        pen.moveTo((0, y))
        pen.lineTo((0, y))
        pen.lineTo((0, y))
        pen.closePath()
        new = pen.glyph()
        new.recalcBounds(glyf)
        glyf[name] = new
        adv, _ = hmtx[name]
        hmtx[name] = (adv, new.xMin)
    font.save(path)
    print(path, "ok")
