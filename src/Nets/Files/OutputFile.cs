namespace DeepVis.Nets.Files;

/// <summary>
/// The one way DeepVis writes a file. Before anything is computed, <see cref="Check"/> refuses a target
/// that is an input (same real path, or the same file through a link), a folder, a missing or
/// read-only folder, and an existing file the user did not name. Writing goes
/// through a uniquely named temporary file in the target's folder and a rename, so a reader never
/// sees half a file, a failure leaves the old file as it was, and no file of the user's is deleted.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Checks that <paramref name="path"/> can be written: not one of <paramref name="inputs"/> (real
    /// paths, links followed, and the same device and inode), a file in a writable folder, and, unless
    /// <paramref name="mayReplace"/>, not an existing file. Returns <paramref name="path"/>. (Paths in a
    /// verb's --out folder are kept inside it by Session.OutPath.)
    /// </summary>
    /// <exception cref="OutputException">one line naming the path and the problem</exception>
    public static string Check(string path, IEnumerable<string?> inputs, bool mayReplace = true)
    {
        var real = RealPath.Of(path);
        foreach (var input in inputs)
            if (input is not null && (real == RealPath.Of(input) || RealPath.SameFile(path, input)))
                throw new OutputException($"output '{path}' is also an input ('{input}'): choose another path, writing it would overwrite the input");
        if (Directory.Exists(real)) throw new OutputException($"output '{path}' is a folder: give the path of a file to write");
        if (!mayReplace && File.Exists(real))
            throw new OutputException($"output '{path}' already exists: pass --force to replace it, or choose another path");
        RequireWritableFolder(Path.GetDirectoryName(real)!);
        return path;
    }

    /// <summary>Checks that <paramref name="folder"/> exists and a file can be created in it.</summary>
    public static void RequireWritableFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new OutputException($"output folder '{folder}' does not exist");
        try
        {
            using (new FileStream(TemporaryName(Path.Combine(folder, "write-test")), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"output folder '{folder}' is not writable ({e.Message})");
        }
    }

    /// <summary>Creates <paramref name="folder"/> and its parents as needed; a failure is one line.</summary>
    public static string CreateFolder(string folder, string what = "output folder")
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputException($"{what} '{folder}' cannot be created ({e.Message})");
        }
        RequireWritableFolder(folder);
        return folder;
    }

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> through a temporary file in its folder and an atomic rename.</summary>
    public static void Write(string path, Action<Stream> write) => WriteVia(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.Truncate, FileAccess.ReadWrite);
        write(stream);
    });

    /// <summary>Writes <paramref name="text"/> (UTF-8) as <see cref="Write"/> does.</summary>
    public static void WriteText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>
    /// Like <see cref="Write"/> for a writer that wants a path (an external program): it is given an
    /// empty temporary file of the same extension, created here, to overwrite.
    /// </summary>
    public static void WriteVia(string path, Action<string> write)
    {
        var temporary = TemporaryName(path);
        try
        {
            using (new FileStream(temporary, FileMode.CreateNew, FileAccess.Write)) { }
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"output '{path}' cannot be written ({e.Message.Split('\n')[0]})");
        }
        finally
        {
            // Only the file made above, whose name no one else uses; never the target or anything the user named.
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>A name in the folder of <paramref name="path"/> that nothing else uses: hidden, random, with the same extension.</summary>
    private static string TemporaryName(string path)
    {
        var full = Path.GetFullPath(path);
        var name = Path.GetFileNameWithoutExtension(full);
        if (name.Length > 60) name = name[..60];
        return Path.Combine(Path.GetDirectoryName(full)!, $".{name}.{Guid.NewGuid():N}.partial{Path.GetExtension(full)}");
    }
}

/// <summary>An output that cannot or may not be written; the message is one line naming it.</summary>
public sealed class OutputException(string message) : DeepVisException(message);
