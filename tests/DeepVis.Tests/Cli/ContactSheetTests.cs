using DeepVis.Cli.Images;

namespace DeepVis.Tests.Cli;

/// <summary>The built-in bitmap font and the contact-sheet grid, without a device.</summary>
public sealed class ContactSheetTests
{
    private static int SetPixels(float[] plane, int width, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
            for (var x = x0; x < x1; x++)
                if (plane[y * width + x] > 0) count++;
        return count;
    }

    [Fact]
    public void Digits_render_inside_their_own_cells_at_the_given_scale()
    {
        const int scale = 3, width = 40, height = 24, x = 5, y = 4;
        var plane = new float[width * height];
        BitmapFont.Draw(plane, 0, width, height, x, y, "10", scale, 1f);
        var cell = (BitmapFont.GlyphWidth + BitmapFont.Spacing) * scale;
        var (glyphW, glyphH) = (BitmapFont.GlyphWidth * scale, BitmapFont.GlyphHeight * scale);
        var one = SetPixels(plane, width, x, y, x + glyphW, y + glyphH);
        var zero = SetPixels(plane, width, x + cell, y, x + cell + glyphW, y + glyphH);
        Assert.True(one > 0 && zero > one, $"'1' has {one} pixels set, '0' {zero}");
        Assert.Equal(one + zero, SetPixels(plane, width, 0, 0, width, height));
        // Scaled glyphs are made of whole scale x scale blocks.
        Assert.Equal(0, (one + zero) % (scale * scale));
        Assert.Equal(BitmapFont.Width("10", scale), cell + glyphW);
    }

    [Fact]
    public void Every_digit_has_a_distinct_glyph_and_other_characters_are_refused()
    {
        var glyphs = Enumerable.Range(0, 10).Select(d =>
        {
            var plane = new float[BitmapFont.GlyphWidth * BitmapFont.GlyphHeight];
            BitmapFont.Draw(plane, 0, BitmapFont.GlyphWidth, BitmapFont.GlyphHeight, 0, 0, d.ToString(), 1, 1f);
            return string.Concat(plane.Select(v => v > 0 ? '#' : '.'));
        }).ToList();
        Assert.Equal(10, glyphs.Distinct().Count());
        Assert.All(glyphs, g => Assert.Contains('#', g));
        Assert.Throws<ArgumentException>(() => BitmapFont.Draw(new float[15], 0, 3, 5, 0, 0, "x", 1, 1f));
    }

    [Theory]
    [InlineData(5, 28, 1)]
    [InlineData(10, 8, 3)]
    [InlineData(1, 100, 3)]
    public void The_grid_has_about_sqrt_count_columns_with_each_tile_and_its_label_in_place(int count, int tile, int channels)
    {
        var labels = Enumerable.Range(95, count).Select(i => i.ToString()).ToList();
        var sheet = new ContactSheet(labels, channels, tile, tile);
        Assert.Equal((int)Math.Ceiling(Math.Sqrt(count)), sheet.Columns);
        Assert.True(sheet.Columns * sheet.Rows >= count && sheet.Columns * (sheet.Rows - 1) < count);
        Assert.Equal(sheet.Gap + sheet.Columns * (sheet.CellWidth + sheet.Gap), sheet.Image.Width);
        Assert.Equal(sheet.Gap + sheet.Rows * (tile + 2 * sheet.Gap + BitmapFont.GlyphHeight * sheet.Scale), sheet.Image.Height);
        Assert.True(sheet.CellWidth >= Math.Max(tile, BitmapFont.Width(labels[^1], sheet.Scale)));

        for (var i = 0; i < count; i++)
            sheet.Place(i, new PlanarImage(channels, tile, tile, Enumerable.Repeat(0.1f + 0.05f * i, channels * tile * tile).ToArray()));
        var plane = sheet.Image.Height * sheet.Image.Width;
        for (var i = 0; i < count; i++)
        {
            var (x, y) = sheet.TileOrigin(i);
            for (var c = 0; c < channels; c++)
                for (var row = 0; row < tile; row++)
                    for (var column = 0; column < tile; column++)
                        Assert.Equal(0.1f + 0.05f * i, sheet.Image.Data[c * plane + (y + row) * sheet.Image.Width + x + column]);
            var labelTop = y + tile + sheet.Gap;
            var cellLeft = x - (sheet.CellWidth - tile) / 2;
            var label = SetPixels(sheet.Image.Data, sheet.Image.Width, cellLeft, labelTop, cellLeft + sheet.CellWidth,
                labelTop + BitmapFont.GlyphHeight * sheet.Scale);
            Assert.True(label > 0, $"tile {i} has no label");
        }
    }
}
