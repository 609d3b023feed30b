"""Registers a complaint with CaseFlow over gRPC and reads it back.

Generate the stubs once (from the repository root):
    /usr/bin/python3 -m grpc_tools.protoc -I protos --python_out=examples/python --grpc_python_out=examples/python \
        protos/caseflow/v1/cases.proto protos/caseflow/v1/directory.proto
Then:
    /usr/bin/python3 examples/python/register_case.py
"""
import sys
import uuid

import grpc

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from caseflow.v1 import cases_pb2, cases_pb2_grpc  # noqa: E402

API_KEY = "demo-portal-key"  # the demo helpline portal's key; see README "Configuration"

channel = grpc.insecure_channel("127.0.0.1:5180")
cases = cases_pb2_grpc.CaseServiceStub(channel)
auth = [("x-api-key", API_KEY)]

created = cases.CreateCase(
    cases_pb2.CreateCaseRequest(
        request_id=str(uuid.uuid4()),  # a retry with the same id returns the same case
        complainant=cases_pb2.Complainant(
            name="सुनीता रावत", phone="98970 12345", district="dehradun", preferred_language="hi"
        ),
        channel=cases_pb2.CHANNEL_PORTAL,
        category="water-supply",
        sub_category="supply-disrupted",
        description="हमारे मोहल्ले में तीन दिन से पानी नहीं आ रहा है।",
    ),
    metadata=auth,
)
print(created.number, created.name, cases_pb2.CaseStatus.Name(created.status))
print("assigned to:", created.assigned_post.designation, "-", created.assigned_post.officer_name)

fetched = cases.GetCase(cases_pb2.GetCaseRequest(name=created.name), metadata=auth)
print("description:", fetched.description)

try:
    cases.CreateCase(cases_pb2.CreateCaseRequest(request_id=str(uuid.uuid4())), metadata=auth)
except grpc.RpcError as e:
    print("refused:", e.code().name, "-", e.details())
