using System.Globalization;
using System.Text;

namespace CaseFlow.Core.Cases;

/// <summary>
/// How long a free-text field may be: in the characters people count (grapheme clusters) and in UTF-8
/// bytes. Both are needed: a single letter followed by half a million combining marks is one grapheme
/// and a megabyte of storage, so a grapheme limit alone lets anything through.
/// </summary>
public readonly record struct TextLimit(int Characters, int Bytes)
{
    /// <summary>
    /// Devanagari takes 3 bytes a code point and two or three code points a letter (consonant, vowel
    /// sign, nasalisation); 8 bytes a letter leaves room for the densest real Hindi and English.
    /// </summary>
    private const int BytesPerCharacter = 8;

    public static TextLimit Of(int characters) => new(characters, characters * BytesPerCharacter);

    public static readonly TextLimit Name = Of(200);
    public static readonly TextLimit Description = Of(5000);
    public static readonly TextLimit Address = Of(1000);
    public static readonly TextLimit Note = Of(5000);
    public static readonly TextLimit FileName = Of(255);

    /// <summary>What is wrong with <paramref name="value"/>'s length, or null when it fits.</summary>
    public string? Check(string value)
    {
        // Bytes first: counting graphemes of an oversized input would be work spent on an attacker.
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > Bytes)
            return $"is {bytes:N0} bytes long; at most {Bytes:N0} bytes ({Characters:N0} characters) are accepted.";
        var characters = new StringInfo(value).LengthInTextElements;
        return characters > Characters ? $"is {characters:N0} characters long; at most {Characters:N0} are accepted." : null;
    }

    /// <summary>
    /// A caller's value quoted in an error: at most 40 UTF-16 units, never split inside a surrogate pair.
    /// Errors travel in gRPC trailers, which clients cap at a few kilobytes; echoing a 300,000-digit
    /// "phone number" would turn INVALID_ARGUMENT into a transport error the caller cannot read.
    /// </summary>
    public static string Echo(string? value)
    {
        const int max = 40;
        if (value is null) return "";
        if (value.Length <= max) return value;
        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..cut] + "…";
    }
}
