using CaseFlow.Core.Access;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Directory;
using CaseFlow.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace CaseFlow.Core.Tests;

/// <summary>Routing and the state rules, over an in-memory store (the real one is tested in the server).</summary>
public sealed class CaseServiceTests
{
    private static readonly Caller Portal = new("portal", Permissions.CreateCases | Permissions.ReadCases, null);
    private static readonly Caller EnergyMis = new("energy-mis", Permissions.ReadCases | Permissions.ActOnCases, new HashSet<string> { "energy" });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 31, 20, 0, 0, TimeSpan.Zero));
    private MemoryStore _store = null!;
    private CaseService _service = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new MemoryStore();
        _service = new CaseService(_store, new FixedDirectory(TestDirectory.Seed()), new ClosurePolicy(), _time);
    }

    [Test]
    public async Task A_complaint_goes_to_the_L1_post_of_its_categorys_department_in_its_district()
    {
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid() with { Category = "water-quality", SubCategory = null,
            Complainant = CaseValidatorTests.Valid().Complainant with { District = "pauri-garhwal" } }, null, default);

        Assert.That(c.Department, Is.EqualTo("drinking-water"));
        Assert.That(c.District, Is.EqualTo("pauri-garhwal"));
        Assert.That(c.AssignedPostId, Is.EqualTo("drinking-water-pauri-garhwal-l1"));
        Assert.That(c.Level, Is.EqualTo(1));
    }

    [Test]
    public async Task The_grievance_district_overrides_the_complainants_home_district()
    {
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid() with { District = "haridwar" }, null, default);
        Assert.That(c.AssignedPostId, Is.EqualTo("energy-haridwar-l1"));
        Assert.That(c.ComplainantDistrict, Is.EqualTo("dehradun"));
    }

    [Test]
    public async Task Case_numbers_follow_the_year_in_India_not_in_UTC()
    {
        // 20:00 UTC on 31 December is 01:30 on 1 January in India.
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid(), null, default);
        Assert.That(c.Number, Does.StartWith("UK-2027-"));
    }

    [Test]
    public async Task Resolving_awaits_the_complainant_and_cannot_be_repeated()
    {
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid(), null, default);
        var resolved = await _service.ResolveAsync(new Actor(EnergyMis, null), c.ResourceName, c.Etag, null, "Line repaired.", default);

        Assert.That(resolved.Status, Is.EqualTo(CaseStatus.Resolved));
        var again = await Assert.ThrowsAsync<CaseFlowException>(() => _service.ResolveAsync(new Actor(EnergyMis, null), c.ResourceName, null, null, "again", default));
        Assert.That(again!.Kind, Is.EqualTo(ErrorKind.FailedPrecondition));
        Assert.That(again.Message, Does.Contain("Resolved"));
    }

    [Test]
    public async Task A_lower_post_cannot_resolve_a_case_that_has_climbed_above_it()
    {
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid(), null, default);
        _store.Cases[c.Number].Level = 2;
        _store.Cases[c.Number].AssignedPostId = "energy-dehradun-l2";

        var e = await Assert.ThrowsAsync<CaseFlowException>(() => _service.ResolveAsync(new Actor(EnergyMis, "energy-dehradun-l1"), c.ResourceName, null, null, "done", default));
        Assert.That(e!.Kind, Is.EqualTo(ErrorKind.PermissionDenied));
        Assert.That(_store.Cases[c.Number].Status, Is.EqualTo(CaseStatus.Registered));
    }

    [Test]
    public async Task An_interim_reply_needs_a_future_date()
    {
        var c = await _service.CreateAsync(new Actor(Portal, null), CaseValidatorTests.Valid(), null, default);
        var past = await Assert.ThrowsAsync<CaseFlowException>(() => _service.AddNoteAsync(new Actor(EnergyMis, null), c.ResourceName, null, null,
            "Working on it", true, _time.GetUtcNow().AddDays(-1), default));
        Assert.That(past!.Violations.Select(v => v.Field), Is.EqualTo(new[] { "expected_resolution_time" }));

        var ok = await _service.AddNoteAsync(new Actor(EnergyMis, null), c.ResourceName, null, null, "Working on it", true, _time.GetUtcNow().AddDays(7), default);
        Assert.That(ok.InterimReplyExpectedAt, Is.EqualTo(_time.GetUtcNow().AddDays(7)));
        Assert.That(ok.Status, Is.EqualTo(CaseStatus.InProgress));
    }

    private sealed class FixedDirectory(DirectorySnapshot snapshot) : IDirectoryProvider
    {
        public DirectorySnapshot Current => snapshot;
    }

    private sealed class MemoryStore : ICaseStore
    {
        public Dictionary<string, Case> Cases { get; } = new();
        private int _next;

        public Task<Case> CreateAsync(Case draft, string numberPrefix, RequestKey? key, CaseEvent registered, ComplaintCap cap, CancellationToken ct)
        {
            draft.Number = $"{numberPrefix}-{++_next:D6}";
            Cases[draft.Number] = draft;
            return Task.FromResult(draft);
        }

        public Task<Case?> FindAsync(string number, CancellationToken ct) => Task.FromResult(Cases.GetValueOrDefault(number));

        public Task<CasePage> ListAsync(CaseQuery query, CancellationToken ct) => Task.FromResult(new CasePage(Cases.Values.ToList(), null));

        public Task<IReadOnlyList<PositionedEvent>> EventsAfterAsync(EventQuery query, EventPosition after, int max, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<PositionedEvent>>([]);

        public Task<PositionedEvent?> FindEventAsync(long id, CancellationToken ct) => Task.FromResult<PositionedEvent?>(null);

        public Task<EventPosition> LatestEventPositionAsync(CancellationToken ct) => Task.FromResult(EventPosition.Start);

        public Task<int> FlagHabitualAsync(string phone, string reason, string flaggedBy, DateTimeOffset now, CancellationToken ct) => Task.FromResult(0);

        public Task<IReadOnlyList<PositionedEvent>> HistoryAsync(string number, CancellationToken ct) => Task.FromResult<IReadOnlyList<PositionedEvent>>([]);

        public Task<Case> UpdateAsync(string number, RequestKey? key, Func<Case, IReadOnlyList<CaseEvent>> change, CancellationToken ct)
        {
            var c = Cases[number];
            change(c);
            return Task.FromResult(c);
        }
    }
}
