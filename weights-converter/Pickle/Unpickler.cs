using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace DeepVis.WeightsConverter.Pickle;

/// <summary>
/// A small, safe reader for the pickle subset torch.save writes (protocol 2, and the binary
/// opcodes of protocols up to 5). It never runs code: every GLOBAL goes through
/// <c>findGlobal</c>, which returns an allowed <see cref="PickleGlobal"/> or throws, and
/// REDUCE / NEWOBJ only call what that returned. Text-mode (protocol 0) opcodes, extension
/// registries and sets are refused with the opcode named.
/// </summary>
internal sealed class Unpickler(
    Stream stream,
    Func<string, string, PickleGlobal> findGlobal,
    Func<object?, object?>? persistentLoad = null)
{
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private long _position;

    /// <summary>Reads one pickle, up to and including its STOP opcode, and returns its value.</summary>
    /// <exception cref="PickleException">an unsupported opcode or global, or malformed data</exception>
    /// <exception cref="EndOfStreamException">the stream ends before STOP</exception>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            var at = _position;
            var op = ReadByte();
            switch (op)
            {
                case Opcodes.Proto:
                    var protocol = ReadByte();
                    if (protocol > 5) throw new PickleException($"pickle protocol {protocol} is not supported (at most 5)");
                    break;
                case Opcodes.Frame:
                    ReadBytes(8); // frame length: a hint for buffering only
                    break;
                case Opcodes.Stop:
                    return Pop();

                case Opcodes.Mark:
                    _marks.Push(_stack.Count);
                    break;
                case Opcodes.Pop:
                    if (_marks.Count > 0 && _marks.Peek() == _stack.Count) PopMark();
                    else Pop();
                    break;
                case Opcodes.PopMark:
                    PopMark();
                    break;
                case Opcodes.Dup:
                    Push(Peek());
                    break;

                case Opcodes.None:
                    Push(null);
                    break;
                case Opcodes.NewTrue:
                    Push(true);
                    break;
                case Opcodes.NewFalse:
                    Push(false);
                    break;
                case Opcodes.BinInt:
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;
                case Opcodes.BinInt1:
                    Push((long)ReadByte());
                    break;
                case Opcodes.BinInt2:
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;
                case Opcodes.Long1:
                    Push(ReadLong(ReadByte()));
                    break;
                case Opcodes.Long4:
                    Push(ReadLong(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))));
                    break;
                case Opcodes.BinFloat:
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;

                case Opcodes.BinUnicode:
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))))));
                    break;
                case Opcodes.ShortBinUnicode:
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadByte())));
                    break;
                case Opcodes.BinUnicode8:
                    Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8))))));
                    break;
                case Opcodes.BinString:
                    Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))))));
                    break;
                case Opcodes.ShortBinString:
                    Push(Encoding.Latin1.GetString(ReadBytes(ReadByte())));
                    break;
                case Opcodes.BinBytes:
                    Push(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))));
                    break;
                case Opcodes.ShortBinBytes:
                    Push(ReadBytes(ReadByte()));
                    break;
                case Opcodes.BinBytes8:
                    Push(ReadBytes(ReadLength(BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8)))));
                    break;

                case Opcodes.EmptyTuple:
                    Push(new PickleTuple([]));
                    break;
                case Opcodes.Tuple1:
                    Push(new PickleTuple([Pop()]));
                    break;
                case Opcodes.Tuple2:
                {
                    var b = Pop();
                    var a = Pop();
                    Push(new PickleTuple([a, b]));
                    break;
                }
                case Opcodes.Tuple3:
                {
                    var c = Pop();
                    var b = Pop();
                    var a = Pop();
                    Push(new PickleTuple([a, b, c]));
                    break;
                }
                case Opcodes.Tuple:
                    Push(new PickleTuple(PopMark()));
                    break;
                case Opcodes.EmptyList:
                    Push(new List<object?>());
                    break;
                case Opcodes.List:
                    Push(new List<object?>(PopMark()));
                    break;
                case Opcodes.EmptyDict:
                    Push(new PickleDict());
                    break;
                case Opcodes.Dict:
                {
                    var items = PopMark();
                    var dict = new PickleDict();
                    SetItems(dict, items);
                    Push(dict);
                    break;
                }
                case Opcodes.Append:
                {
                    var value = Pop();
                    ListAt(Peek()).Add(value);
                    break;
                }
                case Opcodes.Appends:
                {
                    var items = PopMark();
                    ListAt(Peek()).AddRange(items);
                    break;
                }
                case Opcodes.SetItem:
                {
                    var value = Pop();
                    var key = Pop();
                    DictAt(Peek()).Set(key, value);
                    break;
                }
                case Opcodes.SetItems:
                {
                    var items = PopMark();
                    SetItems(DictAt(Peek()), items);
                    break;
                }

                case Opcodes.BinPut:
                    _memo[ReadByte()] = Peek();
                    break;
                case Opcodes.LongBinPut:
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek();
                    break;
                case Opcodes.Memoize:
                    _memo[_memo.Count] = Peek();
                    break;
                case Opcodes.BinGet:
                    Push(Memo(ReadByte()));
                    break;
                case Opcodes.LongBinGet:
                    Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))));
                    break;

                case Opcodes.Global:
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(findGlobal(module, name));
                    break;
                }
                case Opcodes.StackGlobal:
                {
                    var name = Pop() as string ?? throw new PickleException("STACK_GLOBAL needs a string name");
                    var module = Pop() as string ?? throw new PickleException("STACK_GLOBAL needs a string module");
                    Push(findGlobal(module, name));
                    break;
                }
                case Opcodes.Reduce:
                case Opcodes.NewObj:
                {
                    var args = Pop() as PickleTuple
                        ?? throw new PickleException($"{Opcodes.Name(op)} at byte {at} needs an argument tuple");
                    var callable = Pop();
                    if (callable is not PickleGlobal { Invoke: { } invoke } global)
                        throw new PickleException($"{Opcodes.Name(op)} at byte {at}: {Describe(callable)} cannot be called");
                    Push(Call(global, invoke, args.Items));
                    break;
                }
                case Opcodes.Build:
                {
                    var state = Pop();
                    var target = Peek();
                    // OrderedDict's instance attributes (a state dict's _metadata): not needed.
                    if (target is not PickleDict)
                        throw new PickleException($"BUILD at byte {at}: cannot set the state of {Describe(target)} ({Describe(state)})");
                    break;
                }
                case Opcodes.BinPersId:
                {
                    var pid = Pop();
                    if (persistentLoad is null) throw new PickleException("a persistent id in a pickle that allows none");
                    Push(persistentLoad(pid));
                    break;
                }

                default:
                    throw new PickleException($"unsupported pickle opcode {Opcodes.Name(op)} at byte {at}");
            }
        }
    }

    private static object? Call(PickleGlobal global, Func<object?[], object?> invoke, object?[] args)
    {
        try
        {
            return invoke(args);
        }
        catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new PickleException($"unexpected arguments to {global.FullName} ({e.Message})");
        }
    }

    private static void SetItems(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0) throw new PickleException("SETITEMS with an odd number of items");
        for (var i = 0; i < items.Length; i += 2) dict.Set(items[i], items[i + 1]);
    }

    private static List<object?> ListAt(object? value) =>
        value as List<object?> ?? throw new PickleException($"APPEND to {Describe(value)}, not a list");

    private static PickleDict DictAt(object? value) =>
        value as PickleDict ?? throw new PickleException($"SETITEM on {Describe(value)}, not a dict");

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal g => g.FullName,
        PickleTuple => "a tuple",
        PickleDict => "a dict",
        List<object?> => "a list",
        string => "a string",
        _ => value.GetType().Name,
    };

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() =>
        _stack.Count > 0 ? _stack[^1] : throw new PickleException("pickle stack underflow");

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
            throw new PickleException("pickle stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw new PickleException("pickle MARK missing");
        var start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? Memo(long key) =>
        _memo.TryGetValue(key, out var value) ? value : throw new PickleException($"pickle memo key {key} missing");

    private static object ReadLong(byte[] bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object ReadLong(int length) => ReadLong(ReadBytes(length));

    private int ReadLength(long length)
    {
        if (length < 0) throw new PickleException($"negative length {length} in pickle");
        if (stream.CanSeek && length > stream.Length - stream.Position) throw new EndOfStreamException();
        if (length > Array.MaxLength) throw new PickleException($"a {length}-byte pickle item is too large");
        return (int)length;
    }

    private int ReadByte()
    {
        var b = stream.ReadByte();
        if (b < 0) throw new EndOfStreamException();
        _position++;
        return b;
    }

    private byte[] ReadBytes(int count)
    {
        const int Piece = 1 << 20;
        byte[] bytes;
        if (count <= Piece || stream.CanSeek)
        {
            bytes = new byte[count];
            stream.ReadExactly(bytes);
        }
        else
        {
            // A length in the file is only a claim, and this stream cannot say how much is left: read in
            // pieces, so memory follows the bytes that exist rather than the number written.
            using var buffer = new MemoryStream();
            var piece = new byte[Piece];
            for (var left = count; left > 0; left -= Piece)
            {
                stream.ReadExactly(piece, 0, Math.Min(left, Piece));
                buffer.Write(piece, 0, Math.Min(left, Piece));
            }
            bytes = buffer.ToArray();
        }
        _position += count;
        return bytes;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = ReadByte();
            if (b == '\n') return Encoding.UTF8.GetString(bytes.ToArray());
            if (bytes.Count > 1024) throw new PickleException("GLOBAL name longer than 1024 bytes");
            bytes.Add((byte)b);
        }
    }
}
