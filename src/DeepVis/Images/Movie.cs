namespace DeepVis.Images;

/// <summary>A movie's frames (planar 0..1, all one size) and how fast they play.</summary>
/// <param name="Frames">The pictures in playing order.</param>
/// <param name="FramesPerSecond">How many frames play per second.</param>
public sealed record Movie(IReadOnlyList<PlanarImage> Frames, double FramesPerSecond)
{
    /// <summary>Frames per second of a folder of frames, which says nothing about it.</summary>
    public const double FolderFramesPerSecond = 10;

    /// <summary>The kinds of movie file read and written: an animated GIF, or an MP4 through ffmpeg.</summary>
    public static readonly string[] FileExtensions = [".gif", ".mp4"];

    /// <summary>Whether the file's extension says MP4 (read and written through ffmpeg).</summary>
    public static bool IsMp4(string path) => Path.GetExtension(path).Equals(".mp4", StringComparison.OrdinalIgnoreCase);

    /// <summary>A GIF or an MP4 file; a bad file is a one-line error, and so are no frames and frames of different sizes.</summary>
    public static Movie Read(string path, int channels)
    {
        var movie = ImageLoader.Read(path, channels, IsMp4(path) ? "an MP4 ffmpeg can decode" : "GIF", () => IsMp4(path) ? Ffmpeg.Read(path, channels) : GifFile.Read(path, channels));
        return movie.Checked(path);
    }

    /// <summary>Frames read one file each (a folder of frames); a frame of another size than the first is a one-line error.</summary>
    public Movie Checked(string source)
    {
        if (Frames.Count == 0) throw new ImageException($"movie '{source}' has no frames");
        var first = Frames[0];
        for (var f = 1; f < Frames.Count; f++)
            if (Frames[f].Width != first.Width || Frames[f].Height != first.Height)
                throw new ImageException($"movie '{source}': frame {f + 1} is {Frames[f].Width}x{Frames[f].Height}, frame 1 {first.Width}x{first.Height}; " +
                    "every frame must have the same size");
        return this;
    }

    /// <summary>Writes the frames as a GIF or (with ffmpeg) an MP4, by the extension of <paramref name="path"/>.</summary>
    public static void Write(IReadOnlyList<PlanarImage> frames, double framesPerSecond, string path)
    {
        if (IsMp4(path)) Ffmpeg.Write(frames, framesPerSecond, path);
        else GifFile.Write(frames, framesPerSecond, path);
    }

    /// <summary>A movie file that can be written: a known extension, ffmpeg present for an MP4 (checked before anything is computed).</summary>
    public static void CheckWritable(string path, string option)
    {
        if (!FileExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            throw new ImageException($"{option} '{path}': unknown movie kind '{Path.GetExtension(path)}'; expected {string.Join(" or ", FileExtensions)}");
        if (IsMp4(path)) Ffmpeg.Require($"{option} '{path}'");
    }
}
