using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CaseFlow.Workflows.Runtime;

/// <summary>
/// Keys of the runtime's rows (instances, bookmarks, stimuli, incidents): UUID version 7 as 32 hex digits, a millisecond
/// timestamp first and then random bits, so rows written together sit together in their tables' key order and new ones
/// are appended to an index rather than scattered over it. <see cref="Guid.CreateVersion7()"/> makes the same keys but
/// asks the kernel for its random bits on every call (a read of /dev/urandom here); a new case's first step makes three
/// keys on the writer's thread, and those reads were a quarter of the step's CPU. The random bits come from the
/// cryptographic generator here too, filled a few hundred keys at a time per thread.
/// </summary>
public static class RecordIds
{
    private const int RandomBytes = 10;
    private const int KeysPerFill = 256;

    [ThreadStatic] private static byte[]? _pool;
    [ThreadStatic] private static int _next;

    public static string New()
    {
        Span<byte> key = stackalloc byte[16];
        // Bytes 0-5: Unix milliseconds, big-endian (the two bytes after them are overwritten below).
        BinaryPrimitives.WriteInt64BigEndian(key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16);
        var pool = _pool ??= new byte[RandomBytes * KeysPerFill];
        if (_next == 0) RandomNumberGenerator.Fill(pool);
        pool.AsSpan(_next * RandomBytes, RandomBytes).CopyTo(key[6..]);
        _next = (_next + 1) % KeysPerFill;
        key[6] = (byte)(0x70 | (key[6] & 0x0F)); // version 7
        key[8] = (byte)(0x80 | (key[8] & 0x3F)); // RFC 9562 variant
        return Convert.ToHexStringLower(key);
    }
}
