namespace DeepVis.WeightsConverter.Pickle;

/// <summary>The pickle opcodes <see cref="Unpickler"/> knows (names as in CPython's pickletools).</summary>
internal static class Opcodes
{
    public const int Mark = '(';
    public const int Stop = '.';
    public const int Pop = '0';
    public const int PopMark = '1';
    public const int Dup = '2';
    public const int BinInt = 'J';
    public const int BinInt1 = 'K';
    public const int BinInt2 = 'M';
    public const int None = 'N';
    public const int BinPersId = 'Q';
    public const int Reduce = 'R';
    public const int BinString = 'T';
    public const int ShortBinString = 'U';
    public const int BinUnicode = 'X';
    public const int Append = 'a';
    public const int Build = 'b';
    public const int Global = 'c';
    public const int Dict = 'd';
    public const int EmptyDict = '}';
    public const int Appends = 'e';
    public const int BinGet = 'h';
    public const int LongBinGet = 'j';
    public const int List = 'l';
    public const int EmptyList = ']';
    public const int BinPut = 'q';
    public const int LongBinPut = 'r';
    public const int SetItem = 's';
    public const int Tuple = 't';
    public const int EmptyTuple = ')';
    public const int SetItems = 'u';
    public const int BinFloat = 'G';
    public const int BinBytes = 'B';
    public const int ShortBinBytes = 'C';
    public const int Proto = 0x80;
    public const int NewObj = 0x81;
    public const int Tuple1 = 0x85;
    public const int Tuple2 = 0x86;
    public const int Tuple3 = 0x87;
    public const int NewTrue = 0x88;
    public const int NewFalse = 0x89;
    public const int Long1 = 0x8a;
    public const int Long4 = 0x8b;
    public const int ShortBinUnicode = 0x8c;
    public const int BinUnicode8 = 0x8d;
    public const int BinBytes8 = 0x8e;
    public const int StackGlobal = 0x93;
    public const int Memoize = 0x94;
    public const int Frame = 0x95;

    private static readonly Dictionary<int, string> Names = new()
    {
        ['('] = "MARK", ['.'] = "STOP", ['0'] = "POP", ['1'] = "POP_MARK", ['2'] = "DUP", ['F'] = "FLOAT",
        ['I'] = "INT", ['J'] = "BININT", ['K'] = "BININT1", ['L'] = "LONG", ['M'] = "BININT2", ['N'] = "NONE",
        ['P'] = "PERSID", ['Q'] = "BINPERSID", ['R'] = "REDUCE", ['S'] = "STRING", ['T'] = "BINSTRING",
        ['U'] = "SHORT_BINSTRING", ['V'] = "UNICODE", ['X'] = "BINUNICODE", ['a'] = "APPEND", ['b'] = "BUILD",
        ['c'] = "GLOBAL", ['d'] = "DICT", ['}'] = "EMPTY_DICT", ['e'] = "APPENDS", ['g'] = "GET",
        ['h'] = "BINGET", ['i'] = "INST", ['j'] = "LONG_BINGET", ['l'] = "LIST", [']'] = "EMPTY_LIST",
        ['o'] = "OBJ", ['p'] = "PUT", ['q'] = "BINPUT", ['r'] = "LONG_BINPUT", ['s'] = "SETITEM",
        ['t'] = "TUPLE", [')'] = "EMPTY_TUPLE", ['u'] = "SETITEMS", ['G'] = "BINFLOAT", ['B'] = "BINBYTES",
        ['C'] = "SHORT_BINBYTES", [0x80] = "PROTO", [0x81] = "NEWOBJ", [0x82] = "EXT1", [0x83] = "EXT2",
        [0x84] = "EXT4", [0x85] = "TUPLE1", [0x86] = "TUPLE2", [0x87] = "TUPLE3", [0x88] = "NEWTRUE",
        [0x89] = "NEWFALSE", [0x8a] = "LONG1", [0x8b] = "LONG4", [0x8c] = "SHORT_BINUNICODE",
        [0x8d] = "BINUNICODE8", [0x8e] = "BINBYTES8", [0x8f] = "EMPTY_SET", [0x90] = "ADDITEMS",
        [0x91] = "FROZENSET", [0x92] = "NEWOBJ_EX", [0x93] = "STACK_GLOBAL", [0x94] = "MEMOIZE",
        [0x95] = "FRAME", [0x96] = "BYTEARRAY8", [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
    };

    /// <summary>"REDUCE (0x52)", or "0xNN" for a byte that is no opcode.</summary>
    public static string Name(int op) => Names.TryGetValue(op, out var name) ? $"{name} (0x{op:x2})" : $"0x{op:x2}";
}
