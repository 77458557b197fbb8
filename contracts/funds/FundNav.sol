// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {HktCalendar} from "./HktCalendar.sol";

/// @notice A NAV per unit struck by the fund administrator for one dealing day, signed (EIP-712).
/// @param fund the share class's units token the NAV is for.
/// @param dealingDay the HKT day number of the dealing day.
/// @param navPerUnit NAV per whole unit, 10^-4 of the currency (HKD 10.0000 = 100,000).
/// @param struckAt when the administrator struck it (the valuation point): at or after the day's cut-off.
/// @param validUntil after this time the NAV is stale: no dealing starts at it.
struct NavStrike {
    address fund;
    uint32 dealingDay;
    uint256 navPerUnit;
    uint64 struckAt;
    uint64 validUntil;
}

/// @title The dealing day's NAV per unit, as the fund administrator signed it
/// @notice Anyone may publish a NAV (the administrator itself, or the transfer agent relaying it); it
/// counts only if signed by an account holding `FUND_ADMINISTRATOR_ROLE`, names this fund's units,
/// is for a dealing day (a weekday), was struck at or after that day's cut-off and after the day's
/// last order (forward pricing: orders are taken before the price is known, even if the manager
/// moved the cut-off) and no later than now, and is not yet stale. One NAV
/// per dealing day, never replaced. A dealing refuses a day whose NAV is not published
/// (`FundNavNotPublished`) or has gone stale (`FundNavStale`); a NAV signed by anyone else is refused
/// when published (`FundNavWrongSigner`), so it can never price a dealing.
abstract contract FundNav is AccessControl, EIP712 {
    /// @notice Role of the fund administrator's signing account: strikes the NAV per unit.
    bytes32 public constant FUND_ADMINISTRATOR_ROLE = keccak256("FUND_ADMINISTRATOR_ROLE");
    /// @notice keccak256 of the EIP-712 type of a `NavStrike`.
    bytes32 public constant NAV_STRIKE_TYPEHASH =
        keccak256("NavStrike(address fund,uint32 dealingDay,uint256 navPerUnit,uint64 struckAt,uint64 validUntil)");

    mapping(uint256 dealingDay => NavStrike) private _navs;

    /// @notice The NAV names `fund`, not this fund's units `expected`.
    error FundNavWrongFund(address fund, address expected);
    /// @notice `dealingDay` is not a dealing day (a weekend day).
    error FundNavNotDealingDay(uint256 dealingDay);
    /// @notice The NAV for `dealingDay` was struck at `struckAt`: before the cut-off `cutOffAt`, not after
    /// the day's last order, or after `now_`.
    error FundNavStruckOutsideWindow(uint256 dealingDay, uint64 struckAt, uint256 cutOffAt, uint256 now_);
    /// @notice The NAV for `dealingDay` was valid until `validUntil`; it is `now_`.
    error FundNavStale(uint256 dealingDay, uint64 validUntil, uint256 now_);
    /// @notice The NAV was signed by `signer`, which is not the fund administrator.
    error FundNavWrongSigner(address signer);
    /// @notice The NAV per unit is zero.
    error FundNavZero(uint256 dealingDay);
    /// @notice A NAV for `dealingDay` is published already (`navPerUnit`).
    error FundNavAlreadyPublished(uint256 dealingDay, uint256 navPerUnit);
    /// @notice No NAV is published for `dealingDay`.
    error FundNavNotPublished(uint256 dealingDay);
    /// @notice The NAV for `dealingDay` came at `now_`, at or after `deadline` (the end of the next
    /// day), when that day's orders may already be cancelled as never priced.
    error FundNavTooLate(uint256 dealingDay, uint256 deadline, uint256 now_);

    /// @notice The administrator's NAV for `dealingDay` was published.
    event NavPublished(
        uint256 indexed dealingDay,
        address indexed administrator,
        uint256 navPerUnit,
        uint64 struckAt,
        uint64 validUntil
    );

    /// @notice Publishes `nav`, signed by the fund administrator.
    /// @dev Requirements: `nav.fund` is this fund's units; the day is a weekday; struck at or after that
    /// day's cut-off, after its last order and not after now; published before the end of the next day
    /// (HKT), after which the day's orders may be cancelled as never priced, so the two cannot overlap
    /// (`FundNavTooLate`); now is not after `validUntil`; NAV non-zero; `signature` by a
    /// holder of `FUND_ADMINISTRATOR_ROLE`; no NAV for that day yet.
    /// @param nav the signed NAV.
    /// @param signature the administrator's EIP-712 signature.
    function publishNav(NavStrike calldata nav, bytes calldata signature) external {
        uint256 day = nav.dealingDay;
        if (nav.fund != _navFund()) revert FundNavWrongFund(nav.fund, _navFund());
        if (!HktCalendar.isWeekday(day)) revert FundNavNotDealingDay(day);
        uint256 cutOffAt = HktCalendar.at(day, _cutOffOf(day));
        // Forward pricing holds even if the cut-off moved after orders were taken: struck after the last order.
        if (nav.struckAt < cutOffAt || nav.struckAt <= _lastOrderAt(day) || nav.struckAt > block.timestamp) {
            revert FundNavStruckOutsideWindow(day, nav.struckAt, cutOffAt, block.timestamp);
        }
        uint256 deadline = HktCalendar.at(day + 2, 0);
        if (block.timestamp >= deadline) revert FundNavTooLate(day, deadline, block.timestamp);
        if (block.timestamp > nav.validUntil) revert FundNavStale(day, nav.validUntil, block.timestamp);
        if (nav.navPerUnit == 0) revert FundNavZero(day);
        address signer = ECDSA.recover(navDigest(nav), signature);
        if (!hasRole(FUND_ADMINISTRATOR_ROLE, signer)) revert FundNavWrongSigner(signer);
        if (_navs[day].navPerUnit != 0) revert FundNavAlreadyPublished(day, _navs[day].navPerUnit);
        _navs[day] = nav;
        emit NavPublished(day, signer, nav.navPerUnit, nav.struckAt, nav.validUntil);
    }

    /// @notice The EIP-712 digest the administrator signs for `nav`.
    /// @param nav the NAV.
    /// @return the digest.
    function navDigest(NavStrike calldata nav) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(NAV_STRIKE_TYPEHASH, nav)));
    }

    /// @notice The NAV published for `dealingDay` (all zero if none).
    /// @param dealingDay the HKT day number.
    /// @return the NAV.
    function navOf(uint256 dealingDay) external view returns (NavStrike memory) {
        return _navs[dealingDay];
    }

    /// @dev The NAV per unit of `dealingDay`, or revert `FundNavNotPublished` / `FundNavStale`.
    function _requireNav(uint256 dealingDay) internal view returns (uint256 navPerUnit) {
        NavStrike storage nav = _navs[dealingDay];
        navPerUnit = nav.navPerUnit;
        if (navPerUnit == 0) revert FundNavNotPublished(dealingDay);
        if (block.timestamp > nav.validUntil) revert FundNavStale(dealingDay, nav.validUntil, block.timestamp);
    }

    /// @dev Whether a NAV is published for `dealingDay`.
    function _navPublished(uint256 dealingDay) internal view returns (bool) {
        return _navs[dealingDay].navPerUnit != 0;
    }

    /// @dev Whether `dealingDay`'s NAV is published and has gone stale.
    function _navIsStale(uint256 dealingDay) internal view returns (bool) {
        NavStrike storage nav = _navs[dealingDay];
        return nav.navPerUnit != 0 && block.timestamp > nav.validUntil;
    }

    /// @dev The units token NAVs must name.
    function _navFund() internal view virtual returns (address);

    /// @dev When the last order for `dealingDay` was placed (zero if none).
    function _lastOrderAt(uint256 dealingDay) internal view virtual returns (uint256);

    /// @dev The cut-off (seconds after HKT midnight) that applies to `dealingDay`.
    function _cutOffOf(uint256 dealingDay) internal view virtual returns (uint256);
}
