using System.Data.Common;
using CaseFlow.Core.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// Stores a new case, its Registered event and its request record with three prepared INSERTs on the
/// writer's connection, inside the batch's transaction. The single writer is CPU-bound, and EF's
/// SaveChanges spent most of it (a command built, logged and executed per entity); a prepared statement
/// only binds values. Updates are rarer and stay on EF.
/// </summary>
/// <remarks>
/// Tables, columns, value conversions (UTC ticks, enums as strings, attachments as JSON) and parameter
/// types all come from the EF model and the provider's SQL helper, so the entity configurations stay the
/// one place the mapping is written and a column added there is written here without a change.
/// The SQL is plain INSERT … RETURNING, which SQLite (3.35+) and PostgreSQL both accept as generated;
/// SQL Server would need OUTPUT INSERTED instead.
/// </remarks>
internal sealed class CaseInserter : IDisposable
{
    private readonly PreparedInsert _cases;
    private readonly PreparedInsert _events;
    private readonly PreparedInsert _requests;

    /// <summary>Prepares on the context's connection, which must be open and stay open while this is used.</summary>
    public CaseInserter(CaseFlowDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        var sql = db.GetService<ISqlGenerationHelper>();
        _cases = new PreparedInsert(connection, sql, db.Model.FindEntityType(typeof(Case))!);
        _events = new PreparedInsert(connection, sql, db.Model.FindEntityType(typeof(CaseEvent))!);
        _requests = new PreparedInsert(connection, sql, db.Model.FindEntityType(typeof(RequestRecord))!);
    }

    /// <summary>Inserts the rows and sets the ids the database generated, as SaveChanges would have.</summary>
    public async Task InsertAsync(Case c, CaseEvent registered, RequestRecord? request, DbTransaction tx)
    {
        try
        {
            c.Id = await _cases.ExecuteAsync(c, tx);
            registered.Id = await _events.ExecuteAsync(registered, tx);
            if (request is not null) await _requests.ExecuteAsync(request, tx);
        }
        catch (DbException ex)
        {
            // Callers saw SaveChanges' exception type when EF wrote these rows; keep it.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", ex);
        }
    }

    public void Dispose()
    {
        _cases.Dispose();
        _events.Dispose();
        _requests.Dispose();
    }

    private sealed class PreparedInsert : IDisposable
    {
        private readonly DbCommand _command;
        private readonly (IClrPropertyGetter Get, ValueConverter? Converter, DbParameter Parameter)[] _columns;
        private readonly bool _returnsKey;

        public PreparedInsert(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity)
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            // A key the database generates is left out of the INSERT and read back, like SaveChanges does.
            var generatedKey = entity.FindPrimaryKey()!.Properties.SingleOrDefault(p => p.ValueGenerated == ValueGenerated.OnAdd);
            _returnsKey = generatedKey is not null;
            var properties = entity.GetProperties().Where(p => p != generatedKey).ToList();
            if (properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
                throw new InvalidOperationException($"{entity.DisplayName()}.{shadow.Name} is a shadow property; CaseInserter writes only properties of the class.");

            _command = connection.CreateCommand();
            var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            var values = string.Join(", ", properties.Select((_, i) => sql.GenerateParameterNamePlaceholder($"p{i}")));
            var returning = generatedKey is null ? "" : $" RETURNING {sql.DelimitIdentifier(generatedKey.GetColumnName(table)!)}";
            _command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ({values}){returning}{sql.StatementTerminator}";
            _columns = properties.Select((p, i) =>
            {
                var mapping = (RelationalTypeMapping)p.GetTypeMapping();
                // The mapping gives the parameter the provider type EF would give it; values are set per row.
                var parameter = mapping.CreateParameter(_command, sql.GenerateParameterName($"p{i}"), null, p.IsNullable);
                _command.Parameters.Add(parameter);
                return (p.GetGetter(), mapping.Converter, parameter);
            }).ToArray();
            _command.Prepare();
        }

        public async Task<long> ExecuteAsync(object entity, DbTransaction tx)
        {
            _command.Transaction = tx;
            foreach (var (get, converter, parameter) in _columns)
            {
                var value = get.GetClrValueUsingContainingEntity(entity);
                // An enum without a converter is stored as its number, as RelationalTypeMapping.CreateParameter does.
                if (converter is null && value is Enum e) value = Convert.ChangeType(e, e.GetTypeCode());
                parameter.Value = (converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
            }
            if (!_returnsKey) return await _command.ExecuteNonQueryAsync();
            return Convert.ToInt64(await _command.ExecuteScalarAsync());
        }

        public void Dispose() => _command.Dispose();
    }
}
