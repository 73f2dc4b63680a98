"""Request and response bodies of the API; the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Locale = Literal["en", "ru"]
StaffRole = Literal["interviewer", "hr", "admin"]
AnyRole = Literal["candidate", "interviewer", "hr", "admin"]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(Body):
    email: Email
    password: Password
    full_name: FullName
    locale: Locale = "en"


class LoginRequest(Body):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Password


class ProfileUpdate(Body):
    full_name: FullName | None = None
    locale: Locale | None = None


class MemberCreate(Body):
    email: Email
    password: Password
    full_name: FullName
    role: StaffRole


class MemberUpdate(Body):
    role: StaffRole | None = None
    is_active: bool | None = None


class AuditQuery(BaseModel):
    limit: int = Field(default=50, ge=1, le=500)


class OrganisationRef(BaseModel):
    id: str
    name: str
    slug: str


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    role: AnyRole
    locale: Locale
    created_at: datetime
    organisation: OrganisationRef | None


class UserResponse(BaseModel):
    user: UserOut


class SessionOut(BaseModel):
    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None
    current: bool


class SessionsResponse(BaseModel):
    sessions: list[SessionOut]


class ActorRef(BaseModel):
    id: str
    email: str | None


class EventOut(BaseModel):
    id: int
    at: datetime
    actor: ActorRef | None
    action: str
    target: str | None
    ip: str | None
    details: dict[str, Any]


class EventsResponse(BaseModel):
    events: list[EventOut]


class RoomOrganisation(BaseModel):
    id: str
    name: str


class RoomTaskTitle(BaseModel):
    title: str


class MyRoomOut(BaseModel):
    id: str
    title: str
    status: Literal["scheduled", "open", "ended"]
    my_role: Literal["candidate", "interviewer", "observer"]
    scheduled_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    organisation: RoomOrganisation
    task: RoomTaskTitle | None


class MyRoomsResponse(BaseModel):
    rooms: list[MyRoomOut]


class OrganisationOut(BaseModel):
    id: str
    name: str
    slug: str
    created_at: datetime


class OrganisationResponse(BaseModel):
    organisation: OrganisationOut
    members_count: int


class MemberOut(BaseModel):
    id: str
    email: str
    full_name: str
    role: AnyRole
    is_active: bool
    created_at: datetime


class MembersResponse(BaseModel):
    members: list[MemberOut]


class MemberResponse(BaseModel):
    member: MemberOut


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
