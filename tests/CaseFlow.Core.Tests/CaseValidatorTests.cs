using CaseFlow.Core.Cases;

namespace CaseFlow.Core.Tests;

public sealed class CaseValidatorTests
{
    [TestCase("9897012345", "+919897012345")]
    [TestCase("+91 98970 12345", "+919897012345")]
    [TestCase("+91-98970-12345", "+919897012345")]
    [TestCase("09897012345", "+919897012345")]
    [TestCase("919897012345", "+919897012345")]
    [TestCase("(0135) 2712345", "+911352712345")]
    public void Everyday_phone_formats_normalise_to_plus_91(string input, string expected) =>
        Assert.That(CaseValidator.NormalisePhone(input), Is.EqualTo(expected));

    [TestCase("12345")]
    [TestCase("+1 202 555 0100")]
    [TestCase("98970123456789")]
    [TestCase("0000000000")]
    [TestCase("98970x12345")]
    [TestCase("+44 98970 12345")]
    public void Malformed_phones_are_refused(string input) =>
        Assert.That(CaseValidator.NormalisePhone(input), Is.Null);

    [Test]
    public void A_valid_complaint_has_no_violations()
    {
        var violations = CaseValidator.Validate(Valid(), TestDirectory.Seed());
        Assert.That(violations, Is.Empty);
    }

    [Test]
    public void Length_is_counted_in_characters_as_people_see_them()
    {
        // "कि" (consonant + vowel sign) is one character to a reader but two UTF-16 code units.
        var hindi = string.Concat(Enumerable.Repeat("कि", 5000));
        var ok = CaseValidator.Validate(Valid() with { Description = hindi }, TestDirectory.Seed());
        var tooLong = CaseValidator.Validate(Valid() with { Description = hindi + "क" }, TestDirectory.Seed());

        Assert.That(ok, Is.Empty);
        Assert.That(tooLong.Select(v => v.Field), Is.EqualTo(new[] { "description" }));
    }

    [Test]
    public void A_sub_category_must_belong_to_its_category()
    {
        var wrong = CaseValidator.Validate(Valid() with { Category = "power-supply", SubCategory = "pothole" }, TestDirectory.Seed());
        var right = CaseValidator.Validate(Valid() with { Category = "road-condition", SubCategory = "pothole" }, TestDirectory.Seed());

        Assert.That(wrong.Select(v => v.Field), Is.EqualTo(new[] { "sub_category" }));
        Assert.That(right, Is.Empty);
    }

    [Test]
    public void Line_breaks_are_allowed_in_descriptions_but_not_in_names()
    {
        var d = TestDirectory.Seed();
        Assert.That(CaseValidator.Validate(Valid() with { Description = "line one\nline two" }, d), Is.Empty);
        var name = CaseValidator.Validate(Valid() with { Complainant = Valid().Complainant with { Name = "Ram\nLal" } }, d);
        Assert.That(name.Select(v => v.Field), Is.EqualTo(new[] { "complainant.name" }));
    }

    internal static NewCase Valid() => new(
        "req-1",
        new NewComplainant("Sunita Rawat", "9897012345", null, null, "dehradun", "hi"),
        Channel.CallCentre, "power-supply", "power-cut", "No power since Monday.", [], null);
}
