using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Sharpflow.Core.Tracing;

/// <summary>
/// A forward-only protobuf wire-format reader over a byte span (no copies; strings are decoded once, bytes
/// fields copied only when kept). Malformed input (truncated varints or fields, lengths past the end, wire
/// types 6/7, field 0, unbalanced groups, invalid UTF-8 in string fields) throws <see cref="OtlpFormatException"/>,
/// which is where Python's protobuf raises DecodeError.
/// </summary>
public ref struct ProtoWire
{
    public const int Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buf;
    private int _pos;

    public ProtoWire(ReadOnlySpan<byte> buf)
    {
        _buf = buf;
        _pos = 0;
    }

    public readonly bool End => _pos >= _buf.Length;

    private static OtlpFormatException Bad() => new("Invalid OpenTelemetry format");

    /// <summary>Reads the next tag; returns false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_pos >= _buf.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field == 0 || tag >> 3 > 536870911 || wireType > 5) throw Bad();
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _buf.Length) throw Bad();
            var b = _buf[_pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw Bad();
    }

    public ulong ReadFixed64()
    {
        if (_buf.Length - _pos < 8) throw Bad();
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_buf[_pos..]);
        _pos += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_buf.Length - _pos < 4) throw Bad();
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_buf[_pos..]);
        _pos += 4;
        return v;
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var len = ReadVarint();
        if (len > (ulong)(_buf.Length - _pos)) throw Bad();
        var s = _buf.Slice(_pos, (int)len);
        _pos += (int)len;
        return s;
    }

    public string ReadString()
    {
        var bytes = ReadBytes();
        // proto3 strings must be UTF-8; Python's parser rejects the message otherwise.
        if (!Utf8.IsValid(bytes)) throw Bad();
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips a field of the given wire type (unknown fields, or known fields sent with another wire type).</summary>
    public void Skip(int wireType, int field)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: ReadFixed64(); break;
            case Len: ReadBytes(); break;
            case Fixed32: ReadFixed32(); break;
            case StartGroup:
                while (true)
                {
                    if (!Next(out var f, out var wt)) throw Bad();
                    if (wt == EndGroup)
                    {
                        if (f != field) throw Bad();
                        return;
                    }
                    Skip(wt, f);
                }
            default: throw Bad(); // a stray end-group
        }
    }
}
