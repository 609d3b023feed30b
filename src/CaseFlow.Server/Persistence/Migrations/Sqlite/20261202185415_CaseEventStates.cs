using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseFlow.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseEventStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastActionAt",
                table: "CaseEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "CaseEvents",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.Sql(CaseEventStatesBackfill.Sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastActionAt",
                table: "CaseEvents");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "CaseEvents");
        }
    }
}
