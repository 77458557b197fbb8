// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {FundDealing, Order, OrderKind, OrderStatus} from "../../../contracts/funds/FundDealing.sol";
import {ITokenErrors} from "../../../contracts/interfaces/ITokenErrors.sol";
import {ISettlementErrors} from "../../../contracts/settlement/ISettlementEngine.sol";
import {FundNav, NavStrike} from "../../../contracts/funds/FundNav.sol";
import {MoneyMarketFundUnits} from "../../../contracts/funds/MoneyMarketFundUnits.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Who the handler deals for.
struct FundActors {
    FundDealing dealing;
    MoneyMarketFundUnits units;
    IERC20 fundCash;
    address trustee;
    address transferAgent;
    uint256 administratorKey;
    uint256 impostorKey;
    address[] investors;
    address[] investorCash;
}

/// @title Random but bounded dealing in the fund (wCBDC mode), with ghost accounting
/// @notice The invariant fuzzer calls only this contract. Each dealing day: investors subscribe
/// (cash amounts) and redeem (units) before the cut-off; the administrator strikes the NAV from the
/// fund's own books (`floor(fund cash × scale / units outstanding)`, the fund holding only cash) at
/// the cut-off; the transfer agent settles subscriptions and the trustee redemptions; a new day
/// begins (the old NAV goes stale, unsettled orders are cancelled by their investors). Refusals are
/// driven too: a NAV signed by an impostor, a dealing before the NAV, a subscription settled by the
/// trustee, an order cancelled after the cut-off, and the transfer agent freezing an investor on the
/// register at any moment: its new orders are refused and its open ones, already placed (a
/// redemption's units in custody), cannot deal until it is unfrozen — the frozen investor is never
/// paid nor issued units. Every refusal must come with its own error.
/// @dev Ghosts: the rounding slack the rule allows since the NAV was struck (`slack`), in cents ×
/// scale: the NAV's own rounding (less than `units outstanding`), plus less than one smallest unit's
/// value (`nav`) per subscription and less than a cent (`scale`) per redemption.
contract FundHandler {
    uint256 private constant SCALE = 1e6;

    FundDealing public immutable dealing;
    MoneyMarketFundUnits public immutable units;
    IERC20 public immutable fundCash;
    address private immutable _trustee;
    address private immutable _transferAgent;
    uint256 private immutable _administratorKey;
    uint256 private immutable _impostorKey;
    address[] private _investors;
    address[] private _investorCash;

    uint256 public day;
    uint256 public navToday;
    uint256 public slack;
    uint256 public ghostCustody;
    /// @dev Cash of open subscriptions, which the dealing contract holds in custody.
    uint256 public ghostCashCustody;
    /// @dev Investors who withdrew their allowance after placing a subscription (R19-1): their orders still deal.
    uint256 public walkAways;
    uint256[] private _open;
    /// @dev Cash of each investor's open subscriptions.
    mapping(address investor => uint256) public committed;

    /// @dev Must stay zero: a refusal with the wrong error, or one that did not happen, or a wrong move.
    uint256 public ghostWrongOutcomes;

    uint256 public subscriptions;
    uint256 public redemptions;
    uint256 public subscriptionsSettled;
    uint256 public redemptionsSettled;
    uint256 public navsPublished;
    uint256 public cancellations;
    uint256 public newDays;
    uint256 public refusedImpostorNav;
    uint256 public refusedNoNav;
    uint256 public refusedWrongSettler;
    uint256 public refusedLateCancel;
    uint256 public freezes;
    uint256 public refusedFrozenOrder;
    uint256 public refusedFrozenDealing;
    mapping(address investor => bool) public frozen;
    uint256 public successfulCalls;

    constructor(FundActors memory a) {
        dealing = a.dealing;
        units = a.units;
        fundCash = a.fundCash;
        _trustee = a.trustee;
        _transferAgent = a.transferAgent;
        _administratorKey = a.administratorKey;
        _impostorKey = a.impostorKey;
        _investors = a.investors;
        _investorCash = a.investorCash;
        day = (block.timestamp + 8 hours) / 1 days;
    }

    // ---------------------------------------------------------------- investors

    function subscribe(uint256 who, uint256 amount) external {
        if (_afterCutOff() || _open.length >= 20) return;
        uint256 i = who % _investors.length;
        address investor = _investors[i];
        IERC20 cash = IERC20(_investorCash[i]);
        if (frozen[investor]) {
            vm.prank(investor);
            try dealing.subscribe(address(cash), 1) {
                _wrong(msg.sig);
            } catch (bytes memory reason) {
                if (bytes4(reason) == ITokenErrors.AccountFrozen.selector) ++refusedFrozenOrder;
                else _wrong(bytes4(reason));
            }
            return;
        }
        // Never more than the investor holds: its open orders' cash is already in custody.
        uint256 free = cash.balanceOf(investor);
        if (free == 0) return;
        amount = 1 + (amount % (free < 5_000_000_00 ? free : 5_000_000_00)); // up to HK$5m
        uint256 custodyBefore = cash.balanceOf(address(dealing));
        vm.startPrank(investor);
        cash.approve(address(dealing), amount); // exactly this order: the call spends it
        _open.push(dealing.subscribe(address(cash), amount));
        vm.stopPrank();
        // The order is firm: its cash is in custody, and the investor's allowance is spent.
        if (cash.balanceOf(address(dealing)) != custodyBefore + amount || cash.allowance(investor, address(dealing)) != 0) _wrong(msg.sig);
        committed[investor] += amount;
        ghostCashCustody += amount;
        ++subscriptions;
        ++successfulCalls;
    }

    function redeem(uint256 who, uint256 amount) external {
        if (_afterCutOff() || _open.length >= 20) return;
        uint256 i = who % _investors.length;
        uint256 held = units.balanceOf(_investors[i]);
        if (held == 0) return;
        amount = 1 + (amount % held);
        if (frozen[_investors[i]]) {
            vm.prank(_investors[i]);
            try dealing.redeem(_investorCash[i], amount) {
                _wrong(msg.sig);
            } catch (bytes memory reason) {
                if (bytes4(reason) == ISettlementErrors.SettlementLegFailed.selector) ++refusedFrozenOrder;
                else _wrong(bytes4(reason));
            }
            return;
        }
        vm.prank(_investors[i]);
        _open.push(dealing.redeem(_investorCash[i], amount));
        ghostCustody += amount;
        ++redemptions;
        ++successfulCalls;
    }

    /// @notice An investor tries to cancel after the cut-off once the NAV is out: refused.
    function cancelLate(uint256 seed) external {
        if (_open.length == 0 || navToday == 0) return;
        uint256 id = _open[seed % _open.length];
        Order memory order = dealing.orderOf(id);
        vm.prank(order.investor);
        try dealing.cancelOrder(id) {
            _wrong(msg.sig);
            lastWrongDetail = abi.encode(id, order.dealingDay, day, block.timestamp, order.status);
        } catch (bytes memory reason) {
            if (bytes4(reason) == FundDealing.FundOrderNotCancellable.selector) ++refusedLateCancel;
            else _wrong(bytes4(reason));
        }
    }

    /// @notice An investor with an open subscription withdraws its allowance (seeing the NAV, say): the
    /// order is firm all the same, its cash in custody, so a later settle must still deal it.
    function walkAway(uint256 seed) external {
        if (_open.length == 0) return;
        Order memory order = dealing.orderOf(_open[seed % _open.length]);
        if (order.kind != OrderKind.Subscription) return;
        vm.prank(order.investor);
        IERC20(order.investorCash).approve(address(dealing), 0);
        ++walkAways;
        ++successfulCalls;
    }

    // ------------------------------------------------------------------ the fund

    /// @notice The transfer agent freezes or unfreezes an investor on the register, at any moment.
    function freeze(uint256 who) external {
        address investor = _investors[who % _investors.length];
        bool on = !frozen[investor];
        vm.prank(_transferAgent);
        units.setFrozen(investor, on);
        frozen[investor] = on;
        if (on) ++freezes;
        ++successfulCalls;
    }

    /// @notice At the cut-off the administrator strikes the NAV from the fund's books; an impostor's NAV first, refused.
    function strikeNav(uint256 bump) public {
        if (navToday != 0) return;
        uint256 at = day * 1 days + 12 hours - 8 hours + (bump % 1 hours);
        if (block.timestamp < at) vm.warp(at);
        uint256 supply = units.totalSupply();
        uint256 nav = supply == 0 ? 100_000 : (fundCash.balanceOf(_trustee) * SCALE) / supply;
        if (nav == 0) nav = 1;
        NavStrike memory strike = NavStrike(address(units), uint32(day), nav, uint64(block.timestamp), uint64(block.timestamp + 6 hours));
        try dealing.publishNav(strike, _sign(_impostorKey, strike)) {
            _wrong(msg.sig);
        } catch (bytes memory reason) {
            if (bytes4(reason) == FundNav.FundNavWrongSigner.selector) ++refusedImpostorNav;
            else _wrong(bytes4(reason));
        }
        dealing.publishNav(strike, _sign(_administratorKey, strike));
        navToday = nav;
        slack = supply;
        ++navsPublished;
        ++successfulCalls;
    }

    /// @notice The transfer agent or the trustee settles an open order (before the NAV: refused).
    function settle(uint256 seed, bool wrongSettler) external {
        if (_open.length == 0) return;
        uint256 k = seed % _open.length;
        uint256 id = _open[k];
        Order memory order = dealing.orderOf(id);
        bool subscription = order.kind == OrderKind.Subscription;
        address settler = subscription ? _transferAgent : _trustee;
        if (navToday == 0) {
            vm.prank(settler);
            try dealing.settle(id) {
                _wrong(msg.sig);
            } catch (bytes memory reason) {
                if (bytes4(reason) == FundNav.FundNavNotPublished.selector) ++refusedNoNav;
                else _wrong(bytes4(reason));
            }
            return;
        }
        if (wrongSettler && subscription) {
            vm.prank(_trustee);
            try dealing.settle(id) {
                _wrong(msg.sig);
            } catch (bytes memory reason) {
                if (bytes4(reason) == FundDealing.FundNotAuthorisedToSettle.selector) ++refusedWrongSettler;
                else _wrong(bytes4(reason));
            }
            return;
        }
        uint256 cashBefore = fundCash.balanceOf(_trustee);
        if (!subscription) {
            (, , uint256 pay) = dealing.quote(0, 0, order.units, navToday);
            vm.prank(_trustee);
            fundCash.approve(address(dealing), pay);
        }
        if (frozen[order.investor]) {
            uint256 investorUnits = units.balanceOf(order.investor);
            vm.prank(settler);
            try dealing.settle(id) {
                _wrong(msg.sig);
            } catch (bytes memory reason) {
                if (bytes4(reason) != ITokenErrors.AccountFrozen.selector) _wrong(bytes4(reason));
                else if (fundCash.balanceOf(_trustee) != cashBefore || units.balanceOf(order.investor) != investorUnits) _wrong(msg.sig);
                else ++refusedFrozenDealing;
            }
            if (!subscription) {
                vm.prank(_trustee);
                fundCash.approve(address(dealing), 0);
            }
            return;
        }
        vm.prank(settler);
        try dealing.settle(id) {
            Order memory dealt = dealing.orderOf(id);
            if (subscription) {
                if (fundCash.balanceOf(_trustee) != cashBefore + dealt.cash - dealt.fee) _wrong(msg.sig);
                committed[order.investor] -= order.cash;
                ghostCashCustody -= order.cash;
                slack += navToday;
                ++subscriptionsSettled;
            } else {
                if (fundCash.balanceOf(_trustee) != cashBefore - dealt.cash) _wrong(msg.sig);
                slack += SCALE;
                ghostCustody -= order.units;
                ++redemptionsSettled;
            }
            ++successfulCalls;
        } catch (bytes memory reason) {
            // A subscription too small for one unit at a high NAV is the only refusal expected here.
            if (bytes4(reason) != FundDealing.FundSubscriptionBelowOneUnit.selector) {
                _wrong(bytes4(reason));
                lastWrongDetail = reason;
            }
            return;
        }
        _open[k] = _open[_open.length - 1];
        _open.pop();
    }

    /// @notice The next dealing day at 10:00 HKT: the NAV has gone stale; investors cancel what did not settle.
    function newDay(uint256 skipDays) external {
        // The administrator strikes every dealing day's NAV, so no order waits for one that never comes.
        strikeNav(skipDays);
        uint256 next = day + 1 + (skipDays % 3);
        while ((next + 4) % 7 == 0 || (next + 4) % 7 == 6) ++next;
        vm.warp(next * 1 days + 10 hours - 8 hours);
        // Freezes are lifted overnight, so every open order can be cancelled and the day starts clean.
        for (uint256 i = 0; i < _investors.length; ++i) {
            if (!frozen[_investors[i]]) continue;
            vm.prank(_transferAgent);
            units.setFrozen(_investors[i], false);
            frozen[_investors[i]] = false;
        }
        for (uint256 k = 0; k < _open.length; ++k) {
            Order memory order = dealing.orderOf(_open[k]);
            vm.prank(order.investor);
            dealing.cancelOrder(_open[k]);
            if (order.kind == OrderKind.Redemption) ghostCustody -= order.units;
            else {
                committed[order.investor] -= order.cash;
                ghostCashCustody -= order.cash;
            }
            ++cancellations;
        }
        delete _open;
        day = next;
        navToday = 0;
        ++newDays;
        ++successfulCalls;
    }

    // ------------------------------------------------------------------ views

    /// @dev The last wrong outcome: the handler function's selector, or the unexpected error's.
    bytes4 public lastWrong;
    bytes public lastWrongDetail;

    function _wrong(bytes4 what) private {
        ++ghostWrongOutcomes;
        lastWrong = what;
    }

    function openOrders() external view returns (uint256) {
        return _open.length;
    }

    function _afterCutOff() private view returns (bool) {
        return navToday != 0 || (block.timestamp + 8 hours) % 1 days >= 12 hours;
    }

    function _sign(uint256 key, NavStrike memory strike) private view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _digest(strike));
        return abi.encodePacked(r, s, v);
    }

    function _digest(NavStrike memory strike) private view returns (bytes32) {
        return dealing.navDigest(strike);
    }

    /// @dev Unused statuses keep the import honest for readers: an order is Placed until settled or cancelled.
    function isPlaced(uint256 id) external view returns (bool) {
        return dealing.orderOf(id).status == OrderStatus.Placed;
    }
}
