using System.Globalization;
using DeepVis.Nets.Files;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// Parses objective expressions: sums and differences of terms, each optionally scaled by numbers,
/// negated, parenthesized or limited to one batch image with <c>@N</c>. Terms:
/// <c>LAYER:CHANNEL</c> (LAYER an address, an alias or <c>#INDEX</c>), <c>neuron(LAYER:CHANNEL)</c>, <c>direction(LAYER, FILE[, COSINE_POWER])</c>,
/// <c>diversity(LAYER)</c>, <c>dream(LAYER)</c>. A mistake is one line naming the position (from 1)
/// and what was expected there.
/// </summary>
public sealed class ObjectiveParser
{
    private static readonly string[] Functions = ["neuron", "direction", "diversity", "dream"];

    /// <summary>How deep parentheses and signs may nest: the parser recurses at each level, and no real objective comes close.</summary>
    public const int MaxDepth = 64;

    /// <summary>How much of the expression an error quotes.</summary>
    private const int Quoted = 100;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private ObjectiveParser(string text) => _text = text;

    /// <summary>The objective the expression describes; <see cref="ObjectiveException"/> with the position otherwise.</summary>
    public static Objective Parse(string text)
    {
        var parser = new ObjectiveParser(text);
        var value = parser.Sum();
        parser.SkipSpace();
        if (parser._pos < text.Length) parser.Fail("'+', '-', '*' or the end");
        return value.Objective ?? throw parser.Error(0, "an objective term such as layer:channel, not only a number");
    }

    /// <summary>A parsed operand: a number or an objective.</summary>
    private readonly record struct Value(int Start, double Number, Objective? Objective);

    private Value Sum()
    {
        var left = Product();
        while (true)
        {
            SkipSpace();
            if (!Peek('+') && !Peek('-')) return left;
            var minus = _text[_pos++] == '-';
            var right = Product();
            if (left.Objective is null || right.Objective is null)
                throw Error(left.Objective is null ? left.Start : right.Start, "an objective term (numbers only scale terms, with '*')");
            left = left with { Objective = minus ? left.Objective - right.Objective : left.Objective + right.Objective };
        }
    }

    private Value Product()
    {
        var left = Unary();
        while (true)
        {
            SkipSpace();
            if (!Peek('*')) return left;
            _pos++;
            var right = Unary();
            if (left.Objective is not null && right.Objective is not null)
                throw Error(right.Start, "a number (two objectives cannot be multiplied)");
            left = left.Objective is { } a ? left with { Objective = a * right.Number }
                : right.Objective is { } b ? left with { Objective = b * left.Number }
                : left with { Number = left.Number * right.Number };
        }
    }

    private Value Unary()
    {
        SkipSpace();
        var start = _pos;
        if (Peek('-'))
        {
            _pos++;
            Enter();
            var inner = Unary();
            _depth--;
            return inner.Objective is { } o ? new(start, 0, -o) : new(start, -inner.Number, null);
        }
        return Batch(Primary());
    }

    /// <summary>An optional @N after a term or a parenthesized objective.</summary>
    private Value Batch(Value value)
    {
        SkipSpace();
        if (!Peek('@') || value.Objective is null) return value;
        _pos++;
        return value with { Objective = value.Objective.At(Whole("a batch image index after '@'")) };
    }

    private Value Primary()
    {
        SkipSpace();
        var start = _pos;
        if (_pos >= _text.Length) Fail("a term (layer:channel, neuron(...), direction(...), diversity(...), dream(...)) or a number");
        if (Peek('('))
        {
            _pos++;
            Enter();
            var inner = Sum();
            _depth--;
            Expect(')');
            return inner with { Start = start };
        }
        if (char.IsDigit(_text[_pos]) || Peek('.')) return new(start, Number(), null);
        var name = Identifier();
        SkipSpace();
        if (Peek('(') && Functions.Contains(name.ToLowerInvariant()))
        {
            _pos++;
            var term = Call(name.ToLowerInvariant());
            Expect(')');
            return new(start, 0, Objective.Of(term));
        }
        Expect(':');
        return new(start, 0, Objective.Channel(name, Whole("a channel number after ':'")));
    }

    private ObjectiveTerm Call(string function)
    {
        var layer = Identifier();
        switch (function)
        {
            case "neuron":
                Expect(':');
                return new ObjectiveTerm.Neuron(layer, Whole("a channel number after ':'"));
            case "direction":
                Expect(',');
                SkipSpace();
                var start = _pos;
                while (_pos < _text.Length && _text[_pos] is not (')' or ',')) _pos++;
                var file = _text[start.._pos].Trim();
                if (file.Length == 0) throw Error(start, "the path of a direction file");
                if (!Peek(',')) return new ObjectiveTerm.Direction(layer, file);
                _pos++;
                SkipSpace();
                return new ObjectiveTerm.Direction(layer, file, Number());
            case "diversity":
                return new ObjectiveTerm.Diversity(layer);
            default:
                return new ObjectiveTerm.DeepDream(layer);
        }
    }

    private string Identifier()
    {
        SkipSpace();
        var start = _pos;
        // '#' opens a layer's index (#7), as Network.Resolve reads it.
        if (Peek('#')) _pos++;
        var nameStart = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.')) _pos++;
        if (_pos == nameStart) Fail(nameStart > start ? "a layer index after '#'" : "a layer name");
        return _text[start.._pos];
    }

    private double Number()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] == '.')) _pos++;
        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-') _pos++;
            while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
        }
        var text = _text[start.._pos];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw Error(start, $"a number (got '{text}')");
    }

    private int Whole(string what)
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
        return int.TryParse(_text[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Error(start, what);
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (!Peek(c)) Fail($"'{c}'");
        _pos++;
    }

    private bool Peek(char c) => _pos < _text.Length && _text[_pos] == c;

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private void Fail(string expected) => throw Error(_pos, expected);

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Error(_pos - 1, $"at most {MaxDepth} nested parentheses or signs");
    }

    private ObjectiveException Error(int position, string expected)
    {
        var found = position < _text.Length ? $"'{_text[position]}'" : "the end";
        return new ObjectiveException($"objective \"{FileText.Escape(_text, Quoted)}\": at position {position + 1} expected {expected}, found {FileText.Escape(found)}");
    }
}
