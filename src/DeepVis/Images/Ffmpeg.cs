using System.Diagnostics;
using System.Globalization;
using DeepVis.Nets.Files;

namespace DeepVis.Images;

/// <summary>
/// MP4 in and out through the <c>ffmpeg</c> and <c>ffprobe</c> programs on PATH (no video codec is
/// bundled): frames go through a temporary folder of PNGs, which the rest of the tool already reads and writes.
/// </summary>
internal static class Ffmpeg
{
    /// <summary>The program's full path on PATH, or null.</summary>
    public static string? Find(string program = "ffmpeg") =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    /// <summary>Fails with one line when ffmpeg is not on PATH.</summary>
    public static void Require(string what)
    {
        if (Find() is null)
            throw new ImageException($"{what} needs ffmpeg on PATH, which is not there: install it (e.g. apt-get install ffmpeg) or use a GIF or a folder of frames");
    }

    /// <summary>Every frame of a video and its frame rate (ffprobe's, 10 when it says nothing).</summary>
    public static Movie Read(string path, int channels)
    {
        Require($"reading '{path}'");
        var folder = Directory.CreateTempSubdirectory("deepvis-frames-");
        try
        {
            // Frames are extracted up to one past what the pixel budget allows, so a long video is refused without filling the disk.
            var (width, height) = Size(path);
            var limit = Math.Max(1, ImageLoader.MaxPixels / Math.Max(1, width * height));
            Run("ffmpeg", "-v", "error", "-i", path, "-vsync", "0", "-frames:v", (limit + 1).ToString(CultureInfo.InvariantCulture), Path.Combine(folder.FullName, "%06d.png"));
            var files = Directory.GetFiles(folder.FullName, "*.png").Order(StringComparer.Ordinal).ToList();
            if (files.Count > limit)
                throw new ImageException($"image '{path}' cannot be read: it has more than {limit:N0} frames of {width}x{height} pixels, more than the " +
                    $"{ImageLoader.MaxPixels / (1024 * 1024)} megapixels DeepVis decodes in all");
            var frames = files.Select(f => ImageLoader.Load(f, channels)).ToList();
            return new Movie(frames, FrameRate(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes planar 0..1 frames as an H.264 (or ffmpeg's default) MP4, through a temporary file so a failure leaves nothing half-written.</summary>
    public static void Write(IReadOnlyList<PlanarImage> frames, double framesPerSecond, string path)
    {
        Require($"writing '{path}'");
        var folder = Directory.CreateTempSubdirectory("deepvis-frames-");
        try
        {
            for (var f = 0; f < frames.Count; f++) ImageSaver.SavePng(frames[f], Path.Combine(folder.FullName, $"{f + 1:D6}.png"));
            // yuv420p (what players expect) needs an even width and height.
            OutputFile.WriteVia(path, temporary => Run("ffmpeg", "-v", "error", "-y", "-framerate", framesPerSecond.ToString("G6", CultureInfo.InvariantCulture),
                "-i", Path.Combine(folder.FullName, "%06d.png"), "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-f", "mp4", temporary));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The first video stream's width and height (ffprobe's; 0 when it says nothing, which the decode then reports).</summary>
    private static (long Width, long Height) Size(string path)
    {
        var size = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path).Trim().Split(',');
        return size.Length == 2 && long.TryParse(size[0], CultureInfo.InvariantCulture, out var w) && long.TryParse(size[1], CultureInfo.InvariantCulture, out var h)
            ? (w, h) : (0, 0);
    }

    private static double FrameRate(string path)
    {
        var rate = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=avg_frame_rate", "-of", "csv=p=0", path).Trim();
        var parts = rate.Split('/');
        return parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var n) &&
            double.TryParse(parts[1], CultureInfo.InvariantCulture, out var d) && n > 0 && d > 0
            ? n / d : Movie.FolderFramesPerSecond;
    }

    /// <summary>Runs a program to the end; a failure is an exception carrying its last line of errors.</summary>
    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(Find(program) ?? throw new InvalidOperationException($"{program} is not on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidDataException($"{program} failed: " +
                (errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}"));
        return output;
    }
}
