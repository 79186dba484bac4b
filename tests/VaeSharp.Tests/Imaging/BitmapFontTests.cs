using VaeSharp.Imaging;

namespace VaeSharp.Tests.Imaging;

public sealed class BitmapFontTests
{
    private static readonly byte[] Ink = [255];

    // The glyph as rows of '#' and '.', read back through IsSet.
    private static string[] Glyph(char c) =>
        [.. Enumerable.Range(0, BitmapFont.GlyphHeight).Select(row =>
            new string([.. Enumerable.Range(0, BitmapFont.GlyphWidth).Select(col => BitmapFont.IsSet(c, col, row) ? '#' : '.')]))];

    [Fact]
    public void KnownGlyphs_HaveTheirPixels()
    {
        Assert.Equal(["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."], Glyph('1'));
        Assert.Equal([".###.", "#...#", "#...#", "#...#", "#####", "#...#", "#...#"], Glyph('A'));
        Assert.Equal([".....", ".....", ".....", "#####", ".....", ".....", "....."], Glyph('-'));
        Assert.Equal([".....", ".....", ".....", ".....", ".....", ".##..", ".##.."], Glyph('.'));
        Assert.Equal(["#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"], Glyph('h'));
    }

    [Fact]
    public void DigitsLettersAndPlotSymbols_AreAllSupported_AndDistinct()
    {
        var chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.[]|:=".ToCharArray();
        Assert.All(chars, c => Assert.True(BitmapFont.Supports(c), $"'{c}' has no glyph"));
        var shapes = chars.Select(c => string.Join("/", Glyph(c))).ToList();
        Assert.Equal(shapes.Count, shapes.Distinct().Count());
        Assert.All(chars, c => Assert.Contains('#', string.Concat(Glyph(c))));
    }

    [Fact]
    public void UnknownCharacters_DrawAsQuestionMark()
    {
        Assert.False(BitmapFont.Supports('€'));
        Assert.Equal(Glyph('?'), Glyph('€'));
    }

    [Fact]
    public void Measure_CountsSixPixelsPerCharacter_WithoutTrailingGap()
    {
        Assert.Equal(0, BitmapFont.MeasureWidth(""));
        Assert.Equal(5, BitmapFont.MeasureWidth("x"));
        Assert.Equal(22, BitmapFont.MeasureWidth("ab", scale: 2));
        Assert.Equal(21, BitmapFont.MeasureHeight(scale: 3));
    }

    [Fact]
    public void Draw_PaintsEachFontPixelAsAScaledBlock()
    {
        var image = new Image8(20, 20, 1);
        BitmapFont.Draw(image, 3, 2, "1", Ink, scale: 2);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++)
            {
                int col = (x - 3) / 2, row = (y - 2) / 2;
                bool inside = x >= 3 && y >= 2 && col < BitmapFont.GlyphWidth && row < BitmapFont.GlyphHeight;
                byte expected = inside && BitmapFont.IsSet('1', col, row) ? (byte)255 : (byte)0;
                Assert.True(expected == image[x, y, 0], $"pixel ({x}, {y})");
            }
    }

    [Fact]
    public void Draw_SecondCharacter_StartsSixPixelsRight()
    {
        var image = new Image8(12, 7, 1);
        BitmapFont.Draw(image, 0, 0, "-1", Ink);
        Assert.Equal(255, image[0, 3, 0]);   // the dash's bar
        Assert.Equal(0, image[5, 3, 0]);     // the gap column
        Assert.Equal(255, image[8, 0, 0]);   // the top of '1' (column 2 of the second cell)
    }

    [Fact]
    public void DrawVertical_RotatesCounterClockwise_ReadingUpwards()
    {
        // "-1" rotated: a 7-wide, 11-tall box; the first character sits at the bottom, glyph tops face left.
        var image = new Image8(7, 11, 1);
        BitmapFont.Draw(image, 0, 0, "-1", Ink, vertical: true);
        // Horizontal pixel (u, v) lands at (v, 10 − u).
        for (int u = 0; u < 11; u++)
            for (int v = 0; v < 7; v++)
            {
                char c = u < 6 ? '-' : '1';
                int col = u < 6 ? u : u - 6;
                bool set = col < BitmapFont.GlyphWidth && BitmapFont.IsSet(c, col, v);
                Assert.True((set ? 255 : 0) == image[v, 10 - u, 0], $"u {u}, v {v}");
            }
    }

    [Fact]
    public void Draw_ClipsAtTheBorder_AndChecksTheColour()
    {
        var image = new Image8(4, 4, 3);
        BitmapFont.Draw(image, -3, -3, "AB", [1, 2, 3], scale: 2);
        Assert.Throws<ArgumentException>(() => BitmapFont.Draw(image, 0, 0, "A", Ink));
    }
}
