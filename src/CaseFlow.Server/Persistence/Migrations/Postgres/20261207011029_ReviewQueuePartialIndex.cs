using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseFlow.Server.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewQueuePartialIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_SpecialCloseReview_Id",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ReviewQueue",
                table: "Cases",
                column: "Id",
                filter: "\"SpecialCloseReview\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_ReviewQueue",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_SpecialCloseReview_Id",
                table: "Cases",
                columns: new[] { "SpecialCloseReview", "Id" });
        }
    }
}
