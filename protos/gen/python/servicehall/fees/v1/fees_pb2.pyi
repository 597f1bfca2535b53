from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FeeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEE_TYPE_UNSPECIFIED: _ClassVar[FeeType]
    FEE_TYPE_ADMINISTRATIVE: _ClassVar[FeeType]
    FEE_TYPE_DEED_TAX: _ClassVar[FeeType]
FEE_TYPE_UNSPECIFIED: FeeType
FEE_TYPE_ADMINISTRATIVE: FeeType
FEE_TYPE_DEED_TAX: FeeType

class FeeStandard(_message.Message):
    __slots__ = ("code", "name", "department_code", "fee_type", "legal_basis", "fixed_amount_fen", "rate_basis_points", "effective_from")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    FEE_TYPE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    FIXED_AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    RATE_BASIS_POINTS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    department_code: str
    fee_type: FeeType
    legal_basis: str
    fixed_amount_fen: int
    rate_basis_points: int
    effective_from: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., department_code: _Optional[str] = ..., fee_type: _Optional[_Union[FeeType, str]] = ..., legal_basis: _Optional[str] = ..., fixed_amount_fen: _Optional[int] = ..., rate_basis_points: _Optional[int] = ..., effective_from: _Optional[str] = ...) -> None: ...

class ListFeeStandardsRequest(_message.Message):
    __slots__ = ("department_code",)
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    def __init__(self, department_code: _Optional[str] = ...) -> None: ...

class ListFeeStandardsResponse(_message.Message):
    __slots__ = ("standards",)
    STANDARDS_FIELD_NUMBER: _ClassVar[int]
    standards: _containers.RepeatedCompositeFieldContainer[FeeStandard]
    def __init__(self, standards: _Optional[_Iterable[_Union[FeeStandard, _Mapping]]] = ...) -> None: ...
