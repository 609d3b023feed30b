using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Checks a new complaint field by field and reports every bad field at once, so an integrating system
/// fixes its request in one round trip. Field names are the proto field paths callers see.
/// </summary>
public static partial class CaseValidator
{
    public const int MaxEmailLength = 254;
    public const int MaxAttachments = 20;
    public const int MaxRequestIdLength = 128;
    private const int MaxUriLength = 2048;

    public static IReadOnlyList<FieldViolation> Validate(NewCase request, DirectorySnapshot directory)
    {
        var errors = new List<FieldViolation>();
        CheckRequestId(request.RequestId, required: true, errors);

        var c = request.Complainant;
        if (string.IsNullOrWhiteSpace(c.Name))
            errors.Add(new("complainant.name", "is required."));
        else
            CheckText("complainant.name", c.Name, TextLimit.Name, multiline: false, errors);

        if (string.IsNullOrWhiteSpace(c.Phone))
            errors.Add(new("complainant.phone", "is required."));
        else if (NormalisePhone(c.Phone) is null)
            errors.Add(new("complainant.phone",
                $"'{Truncate(c.Phone)}' is not an Indian phone number; give 10 digits, optionally with +91 or a leading 0."));

        if (!string.IsNullOrEmpty(c.Email) && (c.Email.Length > MaxEmailLength || !EmailPattern().IsMatch(c.Email)))
            errors.Add(new("complainant.email", $"'{Truncate(c.Email)}' is not an email address."));
        if (!string.IsNullOrEmpty(c.Address))
            CheckText("complainant.address", c.Address, TextLimit.Address, multiline: true, errors);

        if (string.IsNullOrWhiteSpace(c.District))
            errors.Add(new("complainant.district", "is required."));
        else if (!directory.DistrictsById.ContainsKey(c.District))
            errors.Add(new("complainant.district", $"'{Truncate(c.District)}' is not a known district."));

        if (!string.IsNullOrEmpty(c.PreferredLanguage) && c.PreferredLanguage is not ("hi" or "en"))
            errors.Add(new("complainant.preferred_language", $"'{Truncate(c.PreferredLanguage)}' is not supported; use 'hi' or 'en'."));

        if (request.Channel is null)
            errors.Add(new("channel", "is required."));
        else if (!Enum.IsDefined(request.Channel.Value))
            errors.Add(new("channel", $"{(int)request.Channel.Value} is not a known channel."));

        if (string.IsNullOrWhiteSpace(request.Category))
            errors.Add(new("category", "is required."));
        else if (!directory.CategoriesById.TryGetValue(request.Category, out var category))
            errors.Add(new("category", $"'{Truncate(request.Category)}' is not a known category."));
        else if (!string.IsNullOrEmpty(request.SubCategory) && category.SubCategories.All(s => s.Id != request.SubCategory))
            errors.Add(new("sub_category", $"'{Truncate(request.SubCategory)}' is not a sub-category of '{category.Id}'."));

        if (string.IsNullOrWhiteSpace(request.Description))
            errors.Add(new("description", "is required and must not be blank."));
        else
            CheckText("description", request.Description, TextLimit.Description, multiline: true, errors);

        if (!string.IsNullOrEmpty(request.District) && !directory.DistrictsById.ContainsKey(request.District))
            errors.Add(new("district", $"'{Truncate(request.District)}' is not a known district."));

        if (request.Attachments.Count > MaxAttachments)
            errors.Add(new("attachments", $"at most {MaxAttachments} attachments are accepted."));
        for (var i = 0; i < request.Attachments.Count; i++)
        {
            var a = request.Attachments[i];
            if (a.Uri.Length > MaxUriLength || !Uri.TryCreate(a.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "s3" or "urn"))
                errors.Add(new($"attachments[{i}].uri", $"must be an absolute http(s), s3 or urn reference of at most {MaxUriLength} characters."));
            if (!string.IsNullOrEmpty(a.FileName))
                CheckText($"attachments[{i}].file_name", a.FileName, TextLimit.FileName, multiline: false, errors);
            if (a.ContentType.Length > 255 || (a.ContentType.Length > 0 && !ContentTypePattern().IsMatch(a.ContentType)))
                errors.Add(new($"attachments[{i}].content_type", "must be a media type such as image/jpeg or application/pdf."));
        }
        return errors;
    }

    public static void CheckRequestId(string? requestId, bool required, List<FieldViolation> errors)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            if (required)
                errors.Add(new("request_id", "is required so that a retried call cannot register the complaint twice (a UUID is fine)."));
            return;
        }
        if (requestId.Length > MaxRequestIdLength || !RequestIdPattern().IsMatch(requestId))
            errors.Add(new("request_id", $"must be 1-{MaxRequestIdLength} characters of A-Z, a-z, 0-9, '-', '_', '.', ':'."));
    }

    /// <summary>Checks free text: its length (<see cref="TextLimit"/>) and no control characters.</summary>
    public static void CheckText(string field, string value, TextLimit limit, bool multiline, List<FieldViolation> errors)
    {
        if (limit.Check(value) is { } tooLong)
        {
            errors.Add(new(field, tooLong));
            return;
        }
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsControl(rune) && !(multiline && rune.Value is '\n' or '\r' or '\t'))
            {
                errors.Add(new(field, $"contains the control character U+{rune.Value:X4}."));
                break;
            }
        }
    }

    /// <summary>
    /// Indian numbers come as "98970 12345", "+91-9897012345", "09897012345" or with an STD code;
    /// all are stored as +91 and the ten significant digits.
    /// </summary>
    public static string? NormalisePhone(string phone)
    {
        var digits = new StringBuilder();
        for (var i = 0; i < phone.Length; i++)
        {
            var ch = phone[i];
            if (char.IsAsciiDigit(ch)) digits.Append(ch);
            else if (ch == '+' && i == 0) continue;
            else if (ch is ' ' or '-' or '(' or ')') continue;
            else return null;
        }
        var d = digits.ToString();
        if (phone.StartsWith('+') && !d.StartsWith("91", StringComparison.Ordinal)) return null;
        if (d.Length == 12 && d.StartsWith("91", StringComparison.Ordinal)) d = d[2..];
        else if (d.Length == 11 && d[0] == '0') d = d[1..];
        if (d.Length != 10 || d[0] == '0') return null;
        return "+91" + d;
    }

    private static string Truncate(string? value) => TextLimit.Echo(value);

    [GeneratedRegex(@"^[A-Za-z0-9_.:\-]+$")]
    private static partial Regex RequestIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$")]
    private static partial Regex ContentTypePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
