namespace DeepVis.Cli.Images;

/// <summary>
/// A grid of equally sized tiles on black, about sqrt(count) columns, each tile with a white label
/// (its filter index) under it in <see cref="BitmapFont"/>. Tiles are placed as they are made, so the
/// tiles themselves need not be kept.
/// </summary>
public sealed class ContactSheet
{
    private readonly IReadOnlyList<string> _labels;
    private readonly int _tileHeight;
    private readonly int _tileWidth;

    /// <summary>A sheet for one tile per label, tiles of <paramref name="tileHeight"/> x <paramref name="tileWidth"/>.</summary>
    public ContactSheet(IReadOnlyList<string> labels, int channels, int tileHeight, int tileWidth)
    {
        if (labels.Count == 0) throw new ArgumentException("a contact sheet needs at least one tile", nameof(labels));
        (_labels, _tileHeight, _tileWidth) = (labels, tileHeight, tileWidth);
        Columns = (int)Math.Ceiling(Math.Sqrt(labels.Count));
        Rows = (labels.Count + Columns - 1) / Columns;
        // Labels grow with the tiles: 5 pixels high up to 95-pixel tiles, then 5 more per 48.
        Scale = Math.Max(1, tileWidth / 48);
        Gap = 2 * Scale;
        // A cell is as wide as its tile or the longest label, so labels of tiny tiles never overlap.
        CellWidth = Math.Max(tileWidth, labels.Max(l => BitmapFont.Width(l, Scale)));
        var width = Gap + Columns * (CellWidth + Gap);
        var height = Gap + Rows * RowHeight;
        Image = new PlanarImage(channels, height, width, new float[channels * height * width]);
    }

    public int Columns { get; }
    public int Rows { get; }

    /// <summary>The font scale of the labels.</summary>
    public int Scale { get; }

    /// <summary>Pixels around cells and between a tile and its label.</summary>
    public int Gap { get; }

    public int CellWidth { get; }

    /// <summary>A tile, the gap, its label and the gap to the next row.</summary>
    public int RowHeight => _tileHeight + Gap + BitmapFont.GlyphHeight * Scale + Gap;

    /// <summary>The sheet so far, pixels in 0..1.</summary>
    public PlanarImage Image { get; }

    /// <summary>The top-left pixel of tile <paramref name="index"/> (row-major), centred in its cell.</summary>
    public (int X, int Y) TileOrigin(int index) => (CellLeft(index) + (CellWidth - _tileWidth) / 2, Gap + index / Columns * RowHeight);

    private int CellLeft(int index) => Gap + index % Columns * (CellWidth + Gap);

    /// <summary>Copies <paramref name="tile"/> into cell <paramref name="index"/> and writes its label centred under it.</summary>
    public void Place(int index, PlanarImage tile)
    {
        if (tile.Channels != Image.Channels || tile.Height != _tileHeight || tile.Width != _tileWidth)
            throw new ArgumentException(
                $"contact sheet: tile is {tile.Channels}x{tile.Height}x{tile.Width}, the sheet takes {Image.Channels}x{_tileHeight}x{_tileWidth}");
        var (x, y) = TileOrigin(index);
        var plane = Image.Height * Image.Width;
        var labelX = CellLeft(index) + (CellWidth - BitmapFont.Width(_labels[index], Scale)) / 2;
        for (var c = 0; c < Image.Channels; c++)
        {
            for (var row = 0; row < _tileHeight; row++)
                Array.Copy(tile.Data, (c * _tileHeight + row) * _tileWidth, Image.Data, c * plane + (y + row) * Image.Width + x, _tileWidth);
            BitmapFont.Draw(Image.Data, c * plane, Image.Width, Image.Height, labelX, y + _tileHeight + Gap, _labels[index], Scale, 1f);
        }
    }
}
