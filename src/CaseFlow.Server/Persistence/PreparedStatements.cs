using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CaseFlow.Server.Persistence;

/// <summary>
/// INSERT, UPDATE and DELETE statements prepared once on the writer's connection for an entity type of the EF
/// model. The single writer is CPU-bound, and EF's SaveChanges spends most of it building, logging and running
/// a command per entity; a prepared statement only binds values. Tables, columns, value conversions (UTC
/// ticks, enums as strings, JSON columns) and parameter types all come from the EF model and the provider's
/// SQL helper, so the entity configurations stay the one place the mapping is written.
/// </summary>
internal abstract class PreparedStatement : IDisposable
{
    private readonly (IClrPropertyGetter Get, ValueConverter? Converter, DbParameter Parameter)[] _columns;
    protected readonly DbCommand Command;

    protected PreparedStatement(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, Func<StoreObjectIdentifier, IReadOnlyList<IProperty>, string> text,
        IReadOnlyList<IProperty> bound, int extraParameters = 0)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        if (entity.GetProperties().FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            throw new InvalidOperationException($"{entity.DisplayName()}.{shadow.Name} is a shadow property; prepared statements write only properties of the class.");
        Command = connection.CreateCommand();
        Command.CommandText = text(table, bound);
        _columns = bound.Select((p, i) =>
        {
            var mapping = (RelationalTypeMapping)p.GetTypeMapping();
            // The mapping gives the parameter the provider type EF would give it; values are set per row.
            var parameter = mapping.CreateParameter(Command, sql.GenerateParameterName($"p{i}"), null, p.IsNullable);
            Command.Parameters.Add(parameter);
            return (p.GetGetter(), mapping.Converter, parameter);
        }).ToArray();
        for (var i = 0; i < extraParameters; i++)
        {
            var p = bound.Count + i;
            var parameter = Command.CreateParameter();
            parameter.ParameterName = sql.GenerateParameterName($"p{p}");
            Command.Parameters.Add(parameter);
        }
        Command.Prepare();
    }

    protected static string Column(ISqlGenerationHelper sql, IProperty p, StoreObjectIdentifier table) => sql.DelimitIdentifier(p.GetColumnName(table)!);

    protected static string Table(ISqlGenerationHelper sql, StoreObjectIdentifier table) => sql.DelimitIdentifier(table.Name, table.Schema);

    protected void Bind(object entity, DbTransaction tx)
    {
        Command.Transaction = tx;
        foreach (var (get, converter, parameter) in _columns)
        {
            var value = get.GetClrValueUsingContainingEntity(entity);
            // An enum without a converter is stored as its number, as RelationalTypeMapping.CreateParameter does.
            if (converter is null && value is Enum e) value = Convert.ChangeType(e, e.GetTypeCode());
            parameter.Value = (converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
        }
    }

    protected void BindExtra(int index, object? value) => Command.Parameters[_columns.Length + index].Value = value ?? DBNull.Value;

    public void Dispose() => Command.Dispose();

    public static IEntityType Entity<T>(DbContext db) => db.Model.FindEntityType(typeof(T))!;
}

/// <summary>INSERT … RETURNING the generated key, which SQLite (3.35+) and PostgreSQL both accept.</summary>
internal sealed class PreparedInsert : PreparedStatement
{
    private readonly bool _returnsKey;

    private PreparedInsert(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, IProperty? generatedKey, IReadOnlyList<IProperty> properties)
        : base(connection, sql, entity, (table, bound) =>
        {
            var columns = string.Join(", ", bound.Select(p => Column(sql, p, table)));
            var values = string.Join(", ", bound.Select((_, i) => sql.GenerateParameterNamePlaceholder($"p{i}")));
            var returning = generatedKey is null ? "" : $" RETURNING {Column(sql, generatedKey, table)}";
            return $"INSERT INTO {Table(sql, table)} ({columns}) VALUES ({values}){returning}{sql.StatementTerminator}";
        }, properties)
    {
        _returnsKey = generatedKey is not null;
    }

    public static PreparedInsert For<T>(DbContext db)
    {
        var entity = Entity<T>(db);
        // A key the database generates is left out of the INSERT and read back, like SaveChanges does.
        var generatedKey = entity.FindPrimaryKey()!.Properties.SingleOrDefault(p => p.ValueGenerated == ValueGenerated.OnAdd);
        return new PreparedInsert(db.Database.GetDbConnection(), db.GetService<ISqlGenerationHelper>(), entity, generatedKey,
            entity.GetProperties().Where(p => p != generatedKey).ToList());
    }

    /// <returns>The generated key, or the number of rows written when the key is the caller's.</returns>
    public async Task<long> ExecuteAsync(object row, DbTransaction tx)
    {
        Bind(row, tx);
        if (!_returnsKey) return await Command.ExecuteNonQueryAsync();
        return Convert.ToInt64(await Command.ExecuteScalarAsync());
    }
}

/// <summary>
/// UPDATE of every column but the key, WHERE the key matches AND a check column still holds the value the
/// caller read: the optimistic-concurrency form. Returns the rows changed (0: someone changed it first).
/// </summary>
internal sealed class PreparedUpdate : PreparedStatement
{
    private PreparedUpdate(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, IReadOnlyList<IProperty> set, IReadOnlyList<IProperty> keys, IProperty check)
        : base(connection, sql, entity, (table, bound) =>
        {
            var assignments = string.Join(", ", set.Select((p, i) => $"{Column(sql, p, table)} = {sql.GenerateParameterNamePlaceholder($"p{i}")}"));
            var where = string.Join(" AND ", keys.Select((p, i) => $"{Column(sql, p, table)} = {sql.GenerateParameterNamePlaceholder($"p{set.Count + i}")}"));
            return $"UPDATE {Table(sql, table)} SET {assignments} WHERE {where} AND {Column(sql, check, table)} = {sql.GenerateParameterNamePlaceholder($"p{set.Count + keys.Count}")}{sql.StatementTerminator}";
        }, [.. set, .. keys], extraParameters: 1)
    {
    }

    public static PreparedUpdate For<T>(DbContext db, string checkProperty)
    {
        var entity = Entity<T>(db);
        var keys = entity.FindPrimaryKey()!.Properties;
        var check = entity.FindProperty(checkProperty)!;
        return new PreparedUpdate(db.Database.GetDbConnection(), db.GetService<ISqlGenerationHelper>(), entity,
            entity.GetProperties().Where(p => !keys.Contains(p)).ToList(), keys, check);
    }

    public async Task<int> ExecuteAsync(object row, object expected, DbTransaction tx)
    {
        Bind(row, tx);
        BindExtra(0, expected);
        return await Command.ExecuteNonQueryAsync();
    }
}

/// <summary>DELETE by the (single-column) key; returns whether the row was there.</summary>
internal sealed class PreparedDelete : IDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter _key;

    private PreparedDelete(DbCommand command, DbParameter key)
    {
        _command = command;
        _key = key;
    }

    public static PreparedDelete For<T>(DbContext db)
    {
        var entity = PreparedStatement.Entity<T>(db);
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"DELETE FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(key.GetColumnName(table)!)} = {sql.GenerateParameterNamePlaceholder("p0")}{sql.StatementTerminator}";
        var parameter = ((RelationalTypeMapping)key.GetTypeMapping()).CreateParameter(command, sql.GenerateParameterName("p0"), null, false);
        command.Parameters.Add(parameter);
        command.Prepare();
        return new PreparedDelete(command, parameter);
    }

    public async Task<bool> ExecuteAsync(object key, DbTransaction tx)
    {
        _command.Transaction = tx;
        _key.Value = key;
        return await _command.ExecuteNonQueryAsync() > 0;
    }

    public void Dispose() => _command.Dispose();
}
