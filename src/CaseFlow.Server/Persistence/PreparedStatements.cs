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
    private readonly object?[] _values;
    private readonly RawSqliteStatement? _sqlite;
    protected readonly DbCommand Command;

    protected PreparedStatement(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, Func<StoreObjectIdentifier, IReadOnlyList<IProperty>, string> text,
        IReadOnlyList<IProperty> bound, IReadOnlyList<IProperty>? extra = null)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        if (entity.GetProperties().FirstOrDefault(p => p.IsShadowProperty() && !DatabaseDefault(p)) is { } shadow)
            throw new InvalidOperationException($"{entity.DisplayName()}.{shadow.Name} is a shadow property; prepared statements write only properties of the class.");
        Command = connection.CreateCommand();
        Command.CommandText = text(table, bound);
        _columns = bound.Select((p, i) =>
        {
            var mapping = (RelationalTypeMapping)p.GetTypeMapping();
            return (p.GetGetter(), mapping.Converter, AddParameter(sql, mapping, i, p.IsNullable));
        }).ToArray();
        extra ??= [];
        for (var i = 0; i < extra.Count; i++)
            AddParameter(sql, (RelationalTypeMapping)extra[i].GetTypeMapping(), bound.Count + i, extra[i].IsNullable);
        _values = new object?[_columns.Length + extra.Count];
        // Microsoft.Data.Sqlite binds every parameter by name at every execution, a linear search of the
        // statement's names: for a fifty-column row that was a third of the writer's time. On SQLite the
        // statement is prepared and bound by position directly.
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            _sqlite = new RawSqliteStatement(sqlite, Command.CommandText);
        else
            Command.Prepare();
    }

    /// <summary>A parameter of the provider type EF would give the column; values are set per execution.</summary>
    private DbParameter AddParameter(ISqlGenerationHelper sql, RelationalTypeMapping mapping, int index, bool nullable) =>
        AddTyped(Command, mapping, sql.GenerateParameterName($"p{index}"), nullable);

    internal static DbParameter AddTyped(DbCommand command, RelationalTypeMapping mapping, string name, bool nullable)
    {
        var parameter = mapping.CreateParameter(command, name, null, nullable);
        // Npgsql prepares a statement with its parameters' types, and leaves a type unset where EF relies on
        // inferring it from the value; there is no value yet, so name the column's type.
        if (parameter is Npgsql.NpgsqlParameter { NpgsqlDbType: NpgsqlTypes.NpgsqlDbType.Unknown, DataTypeName: null } np)
            np.DataTypeName = mapping.StoreTypeNameBase;
        command.Parameters.Add(parameter);
        return parameter;
    }

    protected async Task<int> ExecuteNonQueryAsync(DbTransaction tx) =>
        _sqlite is not null ? _sqlite.Execute(_values, readKey: false).Changes : await PrepareCommand(tx).ExecuteNonQueryAsync();

    protected async Task<long> ExecuteScalarInt64Async(DbTransaction tx) =>
        _sqlite is not null ? _sqlite.Execute(_values, readKey: true).Key : Convert.ToInt64(await PrepareCommand(tx).ExecuteScalarAsync());

    private DbCommand PrepareCommand(DbTransaction tx)
    {
        Command.Transaction = tx;
        for (var i = 0; i < _values.Length; i++)
            Command.Parameters[i].Value = _values[i] ?? DBNull.Value;
        return Command;
    }

    protected static string Column(ISqlGenerationHelper sql, IProperty p, StoreObjectIdentifier table) => sql.DelimitIdentifier(p.GetColumnName(table)!);

    protected static string Table(ISqlGenerationHelper sql, StoreObjectIdentifier table) => sql.DelimitIdentifier(table.Name, table.Schema);

    protected void Bind(object entity) => BindRow(entity, 0, _columns.Length);

    /// <summary>Binds one row of a multi-row statement: its columns are <paramref name="row"/> × <paramref name="width"/> onwards.</summary>
    protected void BindRow(object entity, int row, int width)
    {
        for (var i = row * width; i < (row + 1) * width; i++)
        {
            var (get, converter, _) = _columns[i];
            var value = get.GetClrValueUsingContainingEntity(entity);
            // An enum without a converter is stored as its number, as RelationalTypeMapping.CreateParameter does.
            if (converter is null && value is Enum e) value = Convert.ChangeType(e, e.GetTypeCode());
            _values[i] = converter is null ? value : converter.ConvertToProvider(value);
        }
    }

    protected void BindExtra(int index, object? value) => _values[_columns.Length + index] = value;

    public virtual void Dispose()
    {
        _sqlite?.Dispose();
        Command.Dispose();
    }

    public static IEntityType Entity<T>(DbContext db) => db.Model.FindEntityType(typeof(T))!;

    /// <summary>A column the database fills in itself (a default, not a key): left out of inserts.</summary>
    public static bool DatabaseDefault(IProperty p) => p.ValueGenerated == ValueGenerated.OnAdd && !p.IsPrimaryKey();
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
            entity.GetProperties().Where(p => p != generatedKey && !DatabaseDefault(p)).ToList());
    }

    /// <returns>The generated key, or the number of rows written when the key is the caller's.</returns>
    public async Task<long> ExecuteAsync(object row, DbTransaction tx)
    {
        Bind(row);
        if (!_returnsKey) return await ExecuteNonQueryAsync(tx);
        return await ExecuteScalarInt64Async(tx);
    }
}

/// <summary>
/// INSERT of many rows at once, <see cref="RowsPerStatement"/> to a statement (and the rest one by one), for rows
/// whose generated keys nobody reads back (journal entries, bookmarks, case events of a batch of steps).
/// </summary>
internal sealed class PreparedBulkInsert : PreparedStatement
{
    public const int RowsPerStatement = 32;
    private readonly int _width;
    private readonly PreparedBulkInsert? _single;

    private PreparedBulkInsert(DbConnection connection, ISqlGenerationHelper sql, IEntityType entity, IReadOnlyList<IProperty> properties, int rows)
        : base(connection, sql, entity, (table, bound) =>
        {
            var columns = string.Join(", ", properties.Select(p => Column(sql, p, table)));
            var tuples = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
                "(" + string.Join(", ", properties.Select((_, c) => sql.GenerateParameterNamePlaceholder($"p{r * properties.Count + c}"))) + ")"));
            return $"INSERT INTO {Table(sql, table)} ({columns}) VALUES {tuples}{sql.StatementTerminator}";
        }, Enumerable.Range(0, rows).SelectMany(_ => properties).ToList())
    {
        _width = properties.Count;
        if (rows > 1) _single = new PreparedBulkInsert(connection, sql, entity, properties, 1);
    }

    /// <param name="withKey">Write the key too, even one the database would generate: the caller reserved the values.</param>
    public static PreparedBulkInsert For<T>(DbContext db, bool withKey = false)
    {
        var entity = Entity<T>(db);
        var generatedKey = withKey ? null : entity.FindPrimaryKey()!.Properties.SingleOrDefault(p => p.ValueGenerated == ValueGenerated.OnAdd);
        return new PreparedBulkInsert(db.Database.GetDbConnection(), db.GetService<ISqlGenerationHelper>(), entity,
            entity.GetProperties().Where(p => p != generatedKey && !DatabaseDefault(p)).ToList(), RowsPerStatement);
    }

    public async Task ExecuteAsync(IReadOnlyList<object> rows, DbTransaction tx)
    {
        var i = 0;
        for (; _single is not null && i + RowsPerStatement <= rows.Count; i += RowsPerStatement)
        {
            for (var r = 0; r < RowsPerStatement; r++)
                BindRow(rows[i + r], r, _width);
            await ExecuteNonQueryAsync(tx);
        }
        for (; i < rows.Count; i++)
        {
            var one = _single ?? this;
            one.BindRow(rows[i], 0, _width);
            await one.ExecuteNonQueryAsync(tx);
        }
    }

    public override void Dispose()
    {
        _single?.Dispose();
        base.Dispose();
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
        }, [.. set, .. keys], extra: [check])
    {
    }

    /// <param name="set">The properties to write; all but the key by default. Writing fewer keeps the indexes on the
    /// others untouched: SQLite rewrites an index whenever its columns are in the SET list, changed or not.</param>
    public static PreparedUpdate For<T>(DbContext db, string checkProperty, IReadOnlyList<IProperty>? set = null)
    {
        var entity = Entity<T>(db);
        var keys = entity.FindPrimaryKey()!.Properties;
        var check = entity.FindProperty(checkProperty)!;
        return new PreparedUpdate(db.Database.GetDbConnection(), db.GetService<ISqlGenerationHelper>(), entity,
            set ?? entity.GetProperties().Where(p => !keys.Contains(p)).ToList(), keys, check);
    }

    public async Task<int> ExecuteAsync(object row, object expected, DbTransaction tx)
    {
        Bind(row);
        BindExtra(0, expected);
        return await ExecuteNonQueryAsync(tx);
    }
}

/// <summary>DELETE by the (single-column) key; returns whether the row was there.</summary>
internal sealed class PreparedDelete : IDisposable
{
    private readonly DbCommand _command;
    private readonly DbParameter _key;
    private readonly RawSqliteStatement? _sqlite;
    private readonly object?[] _values = new object?[1];

    private PreparedDelete(DbCommand command, DbParameter key)
    {
        _command = command;
        _key = key;
        if (command.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            _sqlite = new RawSqliteStatement(sqlite, command.CommandText);
    }

    public static PreparedDelete For<T>(DbContext db)
    {
        var entity = PreparedStatement.Entity<T>(db);
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"DELETE FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(key.GetColumnName(table)!)} = {sql.GenerateParameterNamePlaceholder("p0")}{sql.StatementTerminator}";
        var parameter = PreparedStatement.AddTyped(command, (RelationalTypeMapping)key.GetTypeMapping(), sql.GenerateParameterName("p0"), false);
        if (command.Connection is not Microsoft.Data.Sqlite.SqliteConnection)
            command.Prepare();
        return new PreparedDelete(command, parameter);
    }

    public async Task<bool> ExecuteAsync(object key, DbTransaction tx)
    {
        if (_sqlite is not null)
        {
            _values[0] = key;
            return _sqlite.Execute(_values, readKey: false).Changes > 0;
        }
        _command.Transaction = tx;
        _key.Value = key;
        return await _command.ExecuteNonQueryAsync() > 0;
    }

    public void Dispose()
    {
        _sqlite?.Dispose();
        _command.Dispose();
    }
}

/// <summary>
/// A statement prepared with SQLite's own API on a Microsoft.Data.Sqlite connection and bound by position. It runs
/// inside whatever transaction the connection is in (SQLite transactions belong to the connection), and converts
/// values the way Microsoft.Data.Sqlite would.
/// </summary>
internal sealed class RawSqliteStatement : IDisposable
{
    private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
    private readonly SQLitePCL.sqlite3_stmt _statement;

    public RawSqliteStatement(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        _connection = connection;
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
        Check(rc);
    }

    public (int Changes, long Key) Execute(object?[] values, bool readKey)
    {
        var db = _connection.Handle!;
        SQLitePCL.raw.sqlite3_reset(_statement);
        for (var i = 0; i < values.Length; i++)
            Check(Bind(i + 1, values[i]));
        var rc = SQLitePCL.raw.sqlite3_step(_statement);
        long key = 0;
        if (rc == SQLitePCL.raw.SQLITE_ROW)
        {
            if (readKey) key = SQLitePCL.raw.sqlite3_column_int64(_statement, 0);
            while (rc == SQLitePCL.raw.SQLITE_ROW) rc = SQLitePCL.raw.sqlite3_step(_statement);
        }
        if (rc != SQLitePCL.raw.SQLITE_DONE)
        {
            var error = Error(rc);
            SQLitePCL.raw.sqlite3_reset(_statement);
            throw error;
        }
        // Reset before the next use, not here: a statement that ran to completion holds no lock or read position.
        return (SQLitePCL.raw.sqlite3_changes(db), key);
    }

    /// <summary>Runs a query and reads each row's first column as text and (when asked) its second as an integer.</summary>
    public List<(string Text, long Number)> Query(object?[] values, bool withNumber)
    {
        SQLitePCL.raw.sqlite3_reset(_statement);
        for (var i = 0; i < values.Length; i++)
            Check(Bind(i + 1, values[i]));
        var rows = new List<(string, long)>();
        int rc;
        while ((rc = SQLitePCL.raw.sqlite3_step(_statement)) == SQLitePCL.raw.SQLITE_ROW)
            rows.Add((SQLitePCL.raw.sqlite3_column_text(_statement, 0).utf8_to_string(), withNumber ? SQLitePCL.raw.sqlite3_column_int64(_statement, 1) : 0));
        if (rc != SQLitePCL.raw.SQLITE_DONE)
        {
            var error = Error(rc);
            SQLitePCL.raw.sqlite3_reset(_statement);
            throw error;
        }
        return rows;
    }

    /// <summary>Runs a query and reads every column of every row as text (null for NULL).</summary>
    public List<string?[]> QueryRows(object?[] values)
    {
        SQLitePCL.raw.sqlite3_reset(_statement);
        for (var i = 0; i < values.Length; i++)
            Check(Bind(i + 1, values[i]));
        var rows = new List<string?[]>();
        int rc;
        while ((rc = SQLitePCL.raw.sqlite3_step(_statement)) == SQLitePCL.raw.SQLITE_ROW)
        {
            var row = new string?[SQLitePCL.raw.sqlite3_column_count(_statement)];
            for (var c = 0; c < row.Length; c++)
                row[c] = SQLitePCL.raw.sqlite3_column_type(_statement, c) == SQLitePCL.raw.SQLITE_NULL ? null : SQLitePCL.raw.sqlite3_column_text(_statement, c).utf8_to_string();
            rows.Add(row);
        }
        if (rc != SQLitePCL.raw.SQLITE_DONE)
        {
            var error = Error(rc);
            SQLitePCL.raw.sqlite3_reset(_statement);
            throw error;
        }
        return rows;
    }

    /// <summary>
    /// Runs a query whose rows are then read one at a time with <see cref="Next"/> and <see cref="Row"/>, each before the
    /// next is asked for (their bytes belong to SQLite until then): for reads of hundreds of thousands of rows, without
    /// a string or array per value.
    /// </summary>
    public void Start(object?[] values)
    {
        SQLitePCL.raw.sqlite3_reset(_statement);
        for (var i = 0; i < values.Length; i++)
            Check(Bind(i + 1, values[i]));
    }

    /// <summary>Steps to the next row; false (and reset) after the last.</summary>
    public bool Next()
    {
        var rc = SQLitePCL.raw.sqlite3_step(_statement);
        if (rc == SQLitePCL.raw.SQLITE_ROW) return true;
        var error = rc == SQLitePCL.raw.SQLITE_DONE ? null : Error(rc);
        SQLitePCL.raw.sqlite3_reset(_statement);
        return error is null ? false : throw error;
    }

    /// <summary>The current row; valid until the next call to <see cref="Next"/>.</summary>
    public RawSqliteRow Row => new(_statement);

    private int Bind(int index, object? value) => value switch
    {
        null or DBNull => SQLitePCL.raw.sqlite3_bind_null(_statement, index),
        string s => SQLitePCL.raw.sqlite3_bind_text(_statement, index, s),
        long l => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, l),
        int n => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, n),
        short n => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, n),
        byte n => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, n),
        bool b => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
        double d => SQLitePCL.raw.sqlite3_bind_double(_statement, index, d),
        float f => SQLitePCL.raw.sqlite3_bind_double(_statement, index, f),
        byte[] bytes => SQLitePCL.raw.sqlite3_bind_blob(_statement, index, bytes),
        // As Microsoft.Data.Sqlite writes them, so what EF reads back is the same.
        TimeSpan t => SQLitePCL.raw.sqlite3_bind_text(_statement, index, t.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        decimal m => SQLitePCL.raw.sqlite3_bind_text(_statement, index, m.ToString("0.0###########################", System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"No SQLite binding for a {value.GetType().Name} parameter."),
    };

    private void Check(int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK) throw Error(rc);
    }

    private Microsoft.Data.Sqlite.SqliteException Error(int rc)
    {
        var db = _connection.Handle!;
        return new Microsoft.Data.Sqlite.SqliteException($"SQLite Error {rc}: '{SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc,
            SQLitePCL.raw.sqlite3_extended_errcode(db));
    }

    public void Dispose() => _statement.Dispose();
}

/// <summary>The current row of a <see cref="RawSqliteStatement"/> read; valid until the next row is asked for.</summary>
internal readonly struct RawSqliteRow(SQLitePCL.sqlite3_stmt statement)
{
    public bool IsNull(int column) => SQLitePCL.raw.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_NULL;
    public long Int64(int column) => SQLitePCL.raw.sqlite3_column_int64(statement, column);
    public string Text(int column) => SQLitePCL.raw.sqlite3_column_text(statement, column).utf8_to_string();
    /// <summary>A text or blob column's bytes (UTF-8 for text), without a copy.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => SQLitePCL.raw.sqlite3_column_blob(statement, column);
}

/// <summary>
/// One string per distinct name read as UTF-8 bytes: a scan over many rows whose names repeat (districts, departments,
/// categories) would otherwise make a string per row. Past <see cref="Capacity"/> names it stops keeping new ones.
/// </summary>
internal sealed class Utf8Names
{
    private const int Capacity = 4096;
    private readonly Dictionary<string, string> _names = [];
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Utf8Names() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        chars = chars[..System.Text.Encoding.UTF8.GetChars(utf8, chars)];
        if (_lookup.TryGetValue(chars, out var name)) return name;
        name = new string(chars);
        if (_names.Count < Capacity) _names[name] = name;
        return name;
    }
}
