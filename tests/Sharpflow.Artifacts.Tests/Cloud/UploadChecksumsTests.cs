using Sharpflow.Artifacts.Cloud;

namespace Sharpflow.Artifacts.Tests.Cloud;

public class UploadChecksumsTests
{
    // The check values of "123456789": CRC-32 0xCBF43926, CRC-32C 0xE3069283; S3 and GCS take the big-endian bytes in base64.
    [Fact]
    public void Crc32_is_written_as_s3_takes_it() => Assert.Equal("y/Q5Jg==", UploadChecksums.Crc32("123456789"u8));

    [Fact]
    public void Crc32c_is_written_as_gcs_writes_it()
    {
        var crc = UploadChecksums.NewCrc32c();
        crc.Append("123456789"u8);
        Assert.Equal("4waSgw==", UploadChecksums.Base64(crc.GetCurrentHashAsUInt32()));
    }
}
