using System.Runtime.InteropServices;

namespace DeepVis.Nets.Files;

/// <summary>
/// Where a path really leads: every symbolic link resolved, in the folders as well as the last
/// component (<c>sub/passwd</c> with <c>sub -> /etc</c> is <c>/etc/passwd</c>), and which file it is
/// (device and inode, so a hard link to an input is recognized).
/// </summary>
public static class RealPath
{
    /// <summary>
    /// The real path of <paramref name="path"/>. A path that does not exist (an output to create) is
    /// the real path of its deepest existing folder followed by the rest as written.
    /// </summary>
    public static string Of(string path)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Join(Environment.CurrentDirectory, path);
        var rest = new Stack<string>();
        var existing = full;
        while (true)
        {
            if (Resolve(existing) is { } real) return Path.GetFullPath(rest.Aggregate(real, Path.Join));
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return Path.GetFullPath(full);
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="folder"/> or lies under it (both real paths).</summary>
    public static bool IsInside(string inner, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(folder);
        return inner == root || inner.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || root == Path.GetPathRoot(root);
    }

    /// <summary>The device and inode of an existing file (null where the system does not say: not Linux, or no such file).</summary>
    public static (ulong Device, ulong Inode)? FileId(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // glibc's struct stat on every Linux architecture starts with dev_t st_dev and ino_t st_ino, 8 bytes each.
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library older than glibc 2.33 exports stat only as __xstat
        }
        return (BitConverter.ToUInt64(buffer), BitConverter.ToUInt64(buffer[8..]));
    }

    /// <summary>
    /// True when <paramref name="path"/> (links followed) is a regular file: not a FIFO, which blocks a
    /// reader until someone writes, nor a device or a socket. Where the system does not say (not Linux on
    /// x64 or Arm64), an existing file counts as regular.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        if (!File.Exists(path)) return false;
        // st_mode's offset in glibc's struct stat: after st_dev, st_ino, st_nlink on x64; after st_dev, st_ino on Arm64.
        int? offset = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => null,
        };
        if (offset is not { } at) return true;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0) return false;
        }
        catch (EntryPointNotFoundException)
        {
            return true;
        }
        const uint TypeMask = 0xF000, Regular = 0x8000;
        return (BitConverter.ToUInt32(buffer[at..]) & TypeMask) == Regular;
    }

    /// <summary>True when both paths exist and are one file (same real path, or same device and inode).</summary>
    public static bool SameFile(string a, string b)
    {
        if (!File.Exists(a) || !File.Exists(b)) return false;
        if (Of(a) == Of(b)) return true;
        return FileId(a) is { } x && FileId(b) is { } y && x == y;
    }

    private static string? Resolve(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        if (OperatingSystem.IsWindows()) return Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path);
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Marshal.FreeHGlobal(resolved);
        }
    }

    [DllImport("libc", EntryPoint = "realpath")]
    private static extern IntPtr RealPathNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref byte buffer);
}
