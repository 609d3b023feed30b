using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaseFlow.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CaseEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Department = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorSystem = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorPost = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    CaseVersion = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CaseNumberSeries",
                columns: table => new
                {
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Last = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseNumberSeries", x => x.Prefix);
                });

            migrationBuilder.CreateTable(
                name: "Cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Department = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    District = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubCategory = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ComplainantName = table.Column<string>(type: "TEXT", nullable: false),
                    ComplainantPhone = table.Column<string>(type: "TEXT", nullable: false),
                    ComplainantEmail = table.Column<string>(type: "TEXT", nullable: true),
                    ComplainantAddress = table.Column<string>(type: "TEXT", nullable: true),
                    ComplainantDistrict = table.Column<string>(type: "TEXT", nullable: false),
                    PreferredLanguage = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    Attachments = table.Column<string>(type: "TEXT", nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    AssignedPostId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Resolution = table.Column<string>(type: "TEXT", nullable: true),
                    InterimReplyText = table.Column<string>(type: "TEXT", nullable: true),
                    InterimReplyExpectedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    InterimReplyAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastActionAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReopenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfied = table.Column<bool>(type: "INTEGER", nullable: true),
                    FeedbackRating = table.Column<int>(type: "INTEGER", nullable: true),
                    FeedbackAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FeedbackUnanswered = table.Column<bool>(type: "INTEGER", nullable: false),
                    SpecialCloseReason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SpecialCloseText = table.Column<string>(type: "TEXT", nullable: true),
                    SpecialCloseProposedBy = table.Column<string>(type: "TEXT", nullable: true),
                    SpecialCloseProposedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SpecialCloseApprovedBy = table.Column<string>(type: "TEXT", nullable: true),
                    SpecialCloseReview = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TransferToDepartment = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TransferReason = table.Column<string>(type: "TEXT", nullable: true),
                    TransferProposedBy = table.Column<string>(type: "TEXT", nullable: true),
                    PausedRemaining = table.Column<TimeSpan>(type: "TEXT", nullable: true),
                    StatusBeforeProposal = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Habitual = table.Column<bool>(type: "INTEGER", nullable: false),
                    WarnedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ChiefSecretaryReview = table.Column<bool>(type: "INTEGER", nullable: false),
                    WorkflowInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DirectoryVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HabitualComplainants",
                columns: table => new
                {
                    Phone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    FlaggedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HabitualComplainants", x => x.Phone);
                });

            migrationBuilder.CreateTable(
                name: "PostChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Department = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PostId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    District = table.Column<string>(type: "TEXT", nullable: true),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    PreviousOfficerName = table.Column<string>(type: "TEXT", nullable: true),
                    NewOfficerName = table.Column<string>(type: "TEXT", nullable: false),
                    PreviousDesignation = table.Column<string>(type: "TEXT", nullable: true),
                    NewDesignation = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RequestRecords",
                columns: table => new
                {
                    System = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestRecords", x => new { x.System, x.RequestId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_CaseEvents_CaseNumber_Id",
                table: "CaseEvents",
                columns: new[] { "CaseNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseEvents_Department_Id",
                table: "CaseEvents",
                columns: new[] { "Department", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ComplainantPhone_CreatedAt",
                table: "Cases",
                columns: new[] { "ComplainantPhone", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_CreatedAt",
                table: "Cases",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Department_Id",
                table: "Cases",
                columns: new[] { "Department", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Department_Status_Id",
                table: "Cases",
                columns: new[] { "Department", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Number",
                table: "Cases",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cases_SpecialCloseReview_Id",
                table: "Cases",
                columns: new[] { "SpecialCloseReview", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PostChanges_Department_Id",
                table: "PostChanges",
                columns: new[] { "Department", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CaseEvents");

            migrationBuilder.DropTable(
                name: "CaseNumberSeries");

            migrationBuilder.DropTable(
                name: "Cases");

            migrationBuilder.DropTable(
                name: "DirectoryVersions");

            migrationBuilder.DropTable(
                name: "HabitualComplainants");

            migrationBuilder.DropTable(
                name: "PostChanges");

            migrationBuilder.DropTable(
                name: "RequestRecords");
        }
    }
}
