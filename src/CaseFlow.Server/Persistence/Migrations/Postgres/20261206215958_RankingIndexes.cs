using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseFlow.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RankingIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Cases_Closed_UpdatedAt",
                table: "Cases",
                column: "UpdatedAt",
                filter: "\"Status\" IN ('Closed', 'SpecialClosed', 'ForceClosed')");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Open",
                table: "Cases",
                column: "Id",
                filter: "\"Status\" NOT IN ('Closed', 'SpecialClosed', 'ForceClosed') OR \"SpecialCloseReview\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_Closed_UpdatedAt",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_Open",
                table: "Cases");
        }
    }
}
