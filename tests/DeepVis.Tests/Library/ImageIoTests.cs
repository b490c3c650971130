using System.Buffers.Binary;
using System.Text;
using DeepVis.Images;
using DeepVis.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepVis.Tests.Library;

/// <summary><see cref="PlanarImage"/> files: PNG and JPEG written and read back, and the refusals of what cannot or should not be decoded.</summary>
public sealed class ImageIoTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static PlanarImage Gradient(int channels, int height, int width) =>
        new(channels, height, width, [.. Enumerable.Range(0, channels * height * width).Select(i => (i * 37 % 256) / 255f)]);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_png_reads_back_the_8_bit_pixels_it_was_written_with(int channels)
    {
        var image = Gradient(channels, 5, 7);
        image.SaveAsPng(_folder.File("a.png"));
        var read = PlanarImage.Load(_folder.File("a.png"), channels);
        Assert.Equal((channels, 5, 7), (read.Channels, read.Height, read.Width));
        Assert.Equal(image.Data, read.Data);
        Assert.Equal(image[channels - 1, 4, 6], read[channels - 1, 4, 6]);
        Assert.False(File.Exists(_folder.File("a.png.partial")));
    }

    [Fact]
    public void A_colour_file_read_as_grey_uses_stb_images_weights()
    {
        using (var stream = File.Create(_folder.File("rgb.png"))) TestImages.WritePng([10, 200, 30], 1, 1, 3, stream);
        var grey = PlanarImage.Load(_folder.File("rgb.png"), 1);
        Assert.Equal(((10 * 77 + 200 * 150 + 30 * 29) >> 8) / 255f, grey.Data[0]);
    }

    [Fact]
    public void A_16_bit_png_keeps_the_high_byte_of_each_value_as_stb_image_did()
    {
        // 0x00FF and 0x80FF: rounding would give 1 and 129, the high byte 0 and 128.
        using (var picture = new Image<Rgb48>(2, 1))
        {
            (picture[0, 0], picture[1, 0]) = (new Rgb48(0x00FF, 0x80FF, 0xFFFF), new Rgb48(0x0100, 0x7F80, 0));
            picture.SaveAsPng(_folder.File("deep.png"), new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
        }
        var read = PlanarImage.Load(_folder.File("deep.png"));
        Assert.Equal(new[] { 0, 1, 128, 127, 255, 0 }.Select(v => v / 255f), read.Data);
    }

    [Fact]
    public void A_jpeg_of_a_smooth_picture_reads_back_close_to_it()
    {
        var smooth = new PlanarImage(3, 16, 16, [.. Enumerable.Range(0, 3 * 256).Select(i => 0.2f + 0.5f * (i % 256) / 256f)]);
        smooth.SaveAsJpeg(_folder.File("a.jpg"), quality: 95);
        var read = PlanarImage.Load(_folder.File("a.jpg"));
        Assert.All(smooth.Data.Zip(read.Data), p => Assert.InRange(Math.Abs(p.First - p.Second), 0f, 0.05f));
        Assert.Throws<SettingsException>(() => smooth.SaveAsJpeg(_folder.File("b.jpg"), quality: 0));
    }

    [Fact]
    public void A_picture_becomes_an_inline_html_image_of_its_png()
    {
        var image = Gradient(3, 4, 6);
        var html = image.ToHtml();
        Assert.StartsWith("<img src=\"data:image/png;base64,", html);
        var png = TestImages.FromHtml(html);
        Assert.Equal((6, 4), (png.Width, png.Height));
    }

    [Fact]
    public void A_huge_image_is_refused_from_its_header_before_anything_is_decoded()
    {
        // A valid PNG header for 20000x20000 pixels: decoding it would take gigabytes.
        var path = _folder.File("huge.png");
        File.WriteAllBytes(path, [.. PngSignature, .. Chunk("IHDR", [.. BigEndian(20000), .. BigEndian(20000), 8, 2, 0, 0, 0]), .. Chunk("IEND", [])]);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<ImageException>(() => PlanarImage.Load(path));
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocated, 0, 16 << 20);
        Assert.Equal($"image '{path}' cannot be read: it is 20000x20000 pixels, more than the 64 megapixels DeepVis decodes", e.Message);
    }

    /// <summary>A 1024x1024 canvas and 80 one-pixel frames: a few hundred bytes, 80 megapixels decoded.</summary>
    [Fact]
    public void A_gif_of_many_frames_is_refused_as_a_movie_from_its_structure_and_read_as_its_first_frame()
    {
        var path = _folder.File("frames.gif");
        byte[] frame = [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];
        File.WriteAllBytes(path, [.. "GIF89a"u8, 0, 4, 0, 4, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, .. Enumerable.Repeat(frame, 80).SelectMany(f => f), 0x3B]);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<ImageException>(() => Movie.Read(path, 3));
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocated, 0, 16 << 20);
        Assert.Equal($"image '{path}' cannot be read: its 80 frames of 1024x1024 pixels are more than the 64 megapixels DeepVis decodes in all", e.Message);
        allocated = GC.GetTotalAllocatedBytes(precise: true);
        var still = PlanarImage.Load(path);
        Assert.Equal((1024, 1024), (still.Width, still.Height));
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocated, 0, 100 << 20);
    }

    [Theory]
    [InlineData("truncated.png")]
    [InlineData("text.jpg")]
    public void A_damaged_or_foreign_file_is_one_line_naming_it(string name)
    {
        var path = _folder.File(name);
        if (name.EndsWith(".png"))
        {
            Gradient(3, 32, 32).SaveAsPng(path);
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..60]);
        }
        else File.WriteAllText(path, "not a picture at all");
        var e = Assert.Throws<ImageException>(() => PlanarImage.Load(path));
        Assert.StartsWith($"image '{path}' cannot be read (expected PNG, JPEG, BMP, TGA or GIF): ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_and_a_model_of_four_channels_are_refused_by_name()
    {
        Assert.Equal($"image '{_folder.File("none.png")}' does not exist", Assert.Throws<ImageException>(() => PlanarImage.Load(_folder.File("none.png"))).Message);
        Gradient(3, 2, 2).SaveAsPng(_folder.File("a.png"));
        Assert.Contains("only 1 or 3", Assert.Throws<ImageException>(() => PlanarImage.Load(_folder.File("a.png"), 4)).Message);
    }

    [Fact]
    public void The_extensions_read_are_the_ones_listed()
    {
        Assert.True(ImageLoader.IsImage("x.JPEG"));
        Assert.False(ImageLoader.IsImage("x.webp"));
    }

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        return [.. BigEndian(data.Length), .. typed, .. BigEndian((int)Crc32(typed))];
    }

    /// <summary>PNG's CRC-32 (ISO 3309), bit by bit.</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
