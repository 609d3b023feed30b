using System.Diagnostics;
using CaseFlow.Core.Cases;
using CaseFlow.Server.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Benchmarks;

/// <summary>
/// Diagnostic (not in "all"): the single writer's capacity with no gRPC and no callers — one thread
/// committing batches of new cases into the server's own migrated database — done three ways, to price
/// candidate fixes before touching CaseWriter:
///   ef-as-shipped    what CaseWriter does: a query per request id, Add ×3 per case, SaveChanges, COMMIT;
///   ef-one-lookup    the same with one request-id query per batch and change detection off;
///   prepared-sql     one request-id query, then prepared INSERTs (columns and value conversions taken
///                    from the EF model, so the mapping stays single-sourced) on one kept-open connection.
/// Each writes the same rows (case, registered event, request record, series update) per case.
/// </summary>
public static class WriterVariants
{
    public static async Task<List<Measurement>> RunAsync(ServerUnderTest server, string sync, int count, int batchSize)
    {
        var database = server.Services.GetRequiredService<CaseFlowDatabase>();
        var results = new List<Measurement>();
        var batches = Math.Max(1, count / batchSize);
        Case NewCase(string number)
        {
            var now = DateTimeOffset.UtcNow;
            return new Case
            {
                Number = number, Department = "energy", District = "dehradun", Category = "power-supply",
                Channel = Core.Cases.Channel.Portal, ComplainantName = "Sunita Rawat", ComplainantPhone = "+919897012345",
                ComplainantEmail = "sunita.rawat@example.com", ComplainantAddress = "12 Rajpur Road", ComplainantDistrict = "dehradun",
                Description = Scenarios.Description, AssignedPostId = "energy-dehradun-l1", CreatedAt = now, UpdatedAt = now,
                CreatedBy = "helpline-portal",
            };
        }
        CaseEvent Registered(Case c) => new()
        {
            CaseNumber = c.Number, Department = c.Department, Type = CaseEventType.Registered, At = c.CreatedAt,
            ActorSystem = c.CreatedBy, Text = "Registered via Portal; assigned to Junior Engineer (L1).", CaseVersion = 1,
        };
        RequestRecord Request(Case c, string id) => new()
        {
            System = c.CreatedBy, RequestId = id, Method = "CreateCase", Fingerprint = new string('a', 64), CaseNumber = c.Number, At = c.CreatedAt,
        };

        async Task EfBatch(bool oneLookup, int b)
        {
            await using var db = database.CreateContext();
            db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
            db.ChangeTracker.AutoDetectChangesEnabled = !oneLookup;
            await using var tx = await db.Database.BeginTransactionAsync();
            var ids = Enumerable.Range(0, batchSize).Select(i => $"variant-{sync}-{oneLookup}-{b}-{i}").ToList();
            if (oneLookup)
                await db.RequestRecords.Where(r => r.System == "helpline-portal" && ids.Contains(r.RequestId)).ToListAsync();
            else
                foreach (var id in ids)
                    await db.RequestRecords.FirstOrDefaultAsync(r => r.System == "helpline-portal" && r.RequestId == id);
            var series = await db.CaseNumberSeries.FirstOrDefaultAsync(s => s.Prefix == "BM-EF");
            if (series is null) db.CaseNumberSeries.Add(series = new CaseNumberSeries { Prefix = "BM-EF" });
            foreach (var id in ids)
            {
                var c = NewCase($"BM-EF-{++series.Last:D7}");
                db.Cases.Add(c);
                db.CaseEvents.Add(Registered(c));
                db.RequestRecords.Add(Request(c, id));
            }
            if (!db.ChangeTracker.AutoDetectChangesEnabled) db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        for (var variant = 0; variant < 2; variant++)
        {
            var oneLookup = variant == 1;
            for (var w = 0; w < 20; w++) await EfBatch(oneLookup, -1 - w - 100 * variant);
            results.Add(await Load.RunAsync(oneLookup ? "writer:ef-one-lookup" : "writer:ef-as-shipped", sync, batches, 1,
                b => EfBatch(oneLookup, b), $"diagnostic: single writer alone, {batchSize} cases per transaction; latency = per transaction", batchSize));
        }

        // prepared-sql: a dedicated connection, with the same per-connection pragmas the server sets.
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA synchronous={sync.ToUpperInvariant()}; PRAGMA busy_timeout=10000;";
            await pragma.ExecuteNonQueryAsync();
        }
        await using var model = database.CreateContext();
        var insertCase = new PreparedInsert(connection, model.Model.FindEntityType(typeof(Case))!, returnId: true);
        var insertEvent = new PreparedInsert(connection, model.Model.FindEntityType(typeof(CaseEvent))!, returnId: false);
        var insertRequest = new PreparedInsert(connection, model.Model.FindEntityType(typeof(RequestRecord))!, returnId: false);
        await using var lookup = connection.CreateCommand();
        lookup.CommandText = "SELECT RequestId, CaseNumber FROM RequestRecords WHERE System = $s AND RequestId IN (SELECT value FROM json_each($ids));";
        lookup.Parameters.AddWithValue("$s", "helpline-portal");
        var idsParameter = lookup.Parameters.Add("$ids", SqliteType.Text);
        await using var reserve = connection.CreateCommand();
        reserve.CommandText = "INSERT INTO CaseNumberSeries (Prefix, Last) VALUES ('BM-SQL', $n) ON CONFLICT(Prefix) DO UPDATE SET Last = Last + $n RETURNING Last;";
        var reserveCount = reserve.Parameters.Add("$n", SqliteType.Integer);
        Task SqlBatch(int b)
        {
            using var tx = connection.BeginTransaction();
            foreach (var cmd in new[] { lookup, reserve }) cmd.Transaction = tx;
            insertCase.Transaction = insertEvent.Transaction = insertRequest.Transaction = tx;
            var ids = Enumerable.Range(0, batchSize).Select(i => $"variant-{sync}-sql-{b}-{i}").ToList();
            idsParameter.Value = System.Text.Json.JsonSerializer.Serialize(ids);
            using (var reader = lookup.ExecuteReader()) while (reader.Read()) { }
            reserveCount.Value = batchSize;
            var last = (long)reserve.ExecuteScalar()!;
            var next = last - batchSize;
            foreach (var id in ids)
            {
                var c = NewCase($"BM-SQL-{++next:D7}");
                c.Id = insertCase.Execute(c);
                insertEvent.Execute(Registered(c));
                insertRequest.Execute(Request(c, id));
            }
            tx.Commit();
            return Task.CompletedTask;
        }
        for (var w = 0; w < 20; w++) await SqlBatch(-1 - w);
        results.Add(await Load.RunAsync("writer:prepared-sql", sync, batches, 1, SqlBatch,
            $"diagnostic: single writer alone, {batchSize} cases per transaction; latency = per transaction", batchSize));
        return results;
    }

    /// <summary>An INSERT for one entity type, prepared once, its columns and conversions read from the EF model.</summary>
    private sealed class PreparedInsert
    {
        private readonly SqliteCommand _command;
        private readonly (System.Reflection.PropertyInfo Clr, Func<object?, object?> ToProvider, SqliteParameter Parameter)[] _columns;
        private readonly bool _returnId;

        public PreparedInsert(SqliteConnection connection, IEntityType entity, bool returnId)
        {
            _returnId = returnId;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!);
            var properties = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsPrimaryKey()).ToList();
            _command = connection.CreateCommand();
            _command.CommandText =
                $"INSERT INTO \"{table.Name}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))}) " +
                $"VALUES ({string.Join(", ", properties.Select((_, i) => $"$p{i}"))}){(returnId ? " RETURNING \"Id\"" : "")};";
            _columns = properties.Select((p, i) =>
            {
                var converter = p.GetValueConverter() ?? p.GetTypeMapping().Converter;
                Func<object?, object?> toProvider = converter is null ? v => v : v => v is null ? null : converter.ConvertToProvider(v);
                return (p.PropertyInfo!, toProvider, _command.Parameters.Add($"$p{i}", SqliteType.Text));
            }).ToArray();
        }

        public SqliteTransaction? Transaction { set => _command.Transaction = value; }

        public long Execute(object entity)
        {
            foreach (var (clr, toProvider, parameter) in _columns)
            {
                var value = toProvider(clr.GetValue(entity));
                parameter.SqliteType = value switch { long or int or bool => SqliteType.Integer, double => SqliteType.Real, _ => SqliteType.Text };
                parameter.Value = value ?? DBNull.Value;
            }
            return _returnId ? (long)_command.ExecuteScalar()! : _command.ExecuteNonQuery();
        }
    }
}
