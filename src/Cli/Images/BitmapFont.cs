namespace DeepVis.Cli.Images;

/// <summary>
/// A tiny built-in 3x5 pixel font for the digits of contact-sheet labels, drawn at an integer scale,
/// so no font file or rendering library is needed.
/// </summary>
public static class BitmapFont
{
    public const int GlyphWidth = 3;
    public const int GlyphHeight = 5;

    /// <summary>Blank columns between glyphs, before scaling.</summary>
    public const int Spacing = 1;

    // Rows of each digit, top to bottom; '#' is a set pixel.
    private static readonly string[][] Digits =
    [
        ["###", "#.#", "#.#", "#.#", "###"],
        [".#.", "##.", ".#.", ".#.", "###"],
        ["###", "..#", "###", "#..", "###"],
        ["###", "..#", "###", "..#", "###"],
        ["#.#", "#.#", "###", "..#", "..#"],
        ["###", "#..", "###", "..#", "###"],
        ["###", "#..", "###", "#.#", "###"],
        ["###", "..#", "..#", "..#", "..#"],
        ["###", "#.#", "###", "#.#", "###"],
        ["###", "#.#", "###", "..#", "###"],
    ];

    /// <summary>The width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int Width(string text, int scale) =>
        text.Length == 0 ? 0 : (text.Length * (GlyphWidth + Spacing) - Spacing) * scale;

    /// <summary>
    /// Sets the pixels of <paramref name="text"/> (digits only) to <paramref name="value"/> in a row-major
    /// plane of <paramref name="planeWidth"/> x <paramref name="planeHeight"/> that starts at
    /// data[offset], top-left corner at (x, y); pixels outside the plane are skipped.
    /// </summary>
    public static void Draw(float[] data, int offset, int planeWidth, int planeHeight, int x, int y, string text, int scale, float value)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is < '0' or > '9') throw new ArgumentException($"bitmap font: no glyph for '{text[i]}' (digits only)", nameof(text));
            var glyph = Digits[text[i] - '0'];
            var left = x + i * (GlyphWidth + Spacing) * scale;
            for (var row = 0; row < GlyphHeight * scale; row++)
                for (var column = 0; column < GlyphWidth * scale; column++)
                {
                    var (px, py) = (left + column, y + row);
                    if (glyph[row / scale][column / scale] == '#' && px >= 0 && px < planeWidth && py >= 0 && py < planeHeight)
                        data[offset + py * planeWidth + px] = value;
                }
        }
    }
}
