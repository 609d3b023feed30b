namespace CaseFlow.Core.Cases;

/// <summary>
/// Complainants fear retaliation, so their contact details leave CaseFlow only for callers entitled to
/// them; everyone else gets enough to recognise a number, not to dial it.
/// </summary>
public static class PersonalData
{
    public static string MaskPhone(string phone) =>
        phone.Length <= 4 ? new string('*', phone.Length) : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];

    public static string? MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email)) return email;
        var at = email.IndexOf('@');
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }

    public static string? MaskAddress(string? address) => string.IsNullOrEmpty(address) ? address : "(withheld)";
}
