using System.Buffers.Binary;
using System.IO.Hashing;

namespace Sharpflow.Artifacts.Cloud;

/// <summary>
/// The checksums the object stores check uploads with, in the form their APIs use (S3's x-amz-checksum-crc32, GCS's
/// crc32c field): the 32-bit value's big-endian bytes in base64. System.IO.Hashing computes both vectorised.
/// </summary>
public static class UploadChecksums
{
    /// <summary>CRC32 (IEEE) of <paramref name="data"/>, as S3 takes it.</summary>
    public static string Crc32(ReadOnlySpan<byte> data) => Base64(System.IO.Hashing.Crc32.HashToUInt32(data));

    /// <summary>A running CRC32C (Castagnoli), as GCS computes it for an object.</summary>
    public static System.IO.Hashing.Crc32 NewCrc32c() => new(Crc32ParameterSet.Crc32C);

    /// <summary>A 32-bit checksum's big-endian bytes in base64.</summary>
    public static string Base64(uint checksum)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, checksum);
        return Convert.ToBase64String(bytes);
    }
}
