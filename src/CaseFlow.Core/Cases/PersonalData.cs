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

    /// <summary>
    /// "Sunita Rawat" → "S***** R****", "सुनीता रावत" → "सु*** रा***": the initial of each word, enough for
    /// an officer to tell two complainants apart in a list, not to find one in a village.
    /// </summary>
    public static string MaskName(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', words.Select(w =>
        {
            var first = System.Globalization.StringInfo.GetNextTextElementLength(w);
            return w[..first] + new string('*', Math.Clamp(new System.Globalization.StringInfo(w).LengthInTextElements - 1, 3, 8));
        }));
    }
}
