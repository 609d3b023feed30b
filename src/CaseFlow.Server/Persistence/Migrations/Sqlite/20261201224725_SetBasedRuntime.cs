using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseFlow.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SetBasedRuntime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowBookmarks_DefinitionId_Kind",
                table: "WorkflowBookmarks");

            migrationBuilder.CreateTable(
                name: "WorkflowJournal",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Entries = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowJournal", x => new { x.InstanceId, x.Sequence });
                });

            // The journal kept so far, one entry per row, becomes one row per entry in the compact form (an array of
            // one [sequence, ticks, kind, activity id, type, name, detail]); steps written from now on hold all theirs.
            migrationBuilder.Sql("""
                INSERT INTO "WorkflowJournal" ("InstanceId", "Sequence", "Entries")
                SELECT "InstanceId", "Sequence", json_array(json_array("Sequence", "At", "Kind", "ActivityId", "ActivityType", "ActivityName", "Detail"))
                FROM "WorkflowJournalEntries";
                """);

            migrationBuilder.DropTable(
                name: "WorkflowJournalEntries");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowBookmarks_Trigger",
                table: "WorkflowBookmarks",
                column: "DefinitionId",
                filter: "\"Kind\" = 'Trigger'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WorkflowJournal");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowBookmarks_Trigger",
                table: "WorkflowBookmarks");

            migrationBuilder.CreateTable(
                name: "WorkflowJournalEntries",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ActivityId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ActivityName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ActivityType = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowJournalEntries", x => new { x.InstanceId, x.Sequence });
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowBookmarks_DefinitionId_Kind",
                table: "WorkflowBookmarks",
                columns: new[] { "DefinitionId", "Kind" });
        }
    }
}
